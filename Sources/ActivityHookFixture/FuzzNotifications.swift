import Foundation
import HookJSON
import HookReceiver
import HookTestSupport

/// Property-based fuzzing of the notification parser and validator with random and mutated inputs.
///
///     activityhook-fixture fuzz-notifications [--seconds S | --iterations N] [--seed K]
///
/// Every input goes through `NotificationBody.read` (strict JSON parse + per-element validation). A crash
/// ends the process (the harness reports it); the properties checked on every result are: a stored
/// notice always has a configured tenant and a contentUri on the API root; nothing is accepted from a
/// body that is not valid JSON. Prints `executions=N crashes=0 accepted=A rejected=R malformed=M`.
func fuzzNotifications(_ arguments: [String]) -> Int32 {
    let seconds = Double(option("--seconds", in: arguments) ?? "") ?? 0
    let iterations = Int(option("--iterations", in: arguments) ?? "") ?? (seconds > 0 ? Int.max : 10_000)
    var rng = SeededGenerator(seed: UInt64(option("--seed", in: arguments) ?? "") ?? UInt64(Date().timeIntervalSince1970))
    let tenant = "11111111-2222-3333-4444-555555555555"
    let policy = ContentURIPolicy(apiRoot: "https://manage.office.com")!
    // "Now" is the corpus's day, so that its seeds stay plausible (NoticePlausibility) whenever this runs.
    let corpusDay = Date(timeIntervalSince1970: 1_795_935_600)  // 2026-11-29T07:00:00Z
    let validator = NotificationValidator(tenants: [tenant: ["Audit.General", "DLP.All"]], uriPolicy: policy, clock: { corpusDay })
    let seeds = FuzzCorpus.seeds(tenant: tenant)
    let deadline = Date().addingTimeInterval(seconds > 0 ? seconds : .infinity)
    var counts = (executions: 0, accepted: 0, rejected: 0, malformed: 0)
    while counts.executions < iterations {
        if counts.executions % 1024 == 0, Date() > deadline { break }
        let input = FuzzCorpus.mutate(seeds[Int(rng.next() % UInt64(seeds.count))], &rng)
        counts.executions += 1
        switch NotificationBody.read(input, validator: validator) {
        case .notices(let notices, let rejected):
            counts.accepted += notices.count
            counts.rejected += rejected.count
            for notice in notices {
                guard notice.tenantId == tenant, policy.rejection(notice.contentUri, tenantId: tenant) == nil,
                      (try? JSONParser.parse(input)) != nil
                else {
                    print("PROPERTY VIOLATION input=\(Data(input).base64EncodedString())")
                    return 1
                }
            }
        case .validation: break
        case .malformed: counts.malformed += 1
        }
    }
    print("executions=\(counts.executions) crashes=0 accepted=\(counts.accepted) rejected=\(counts.rejected) malformed=\(counts.malformed)")
    return 0
}
