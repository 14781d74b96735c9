import Foundation
import HookEntraAuth
import HookHTTPClient
import HookJSON
import HookManagementAPI
import HookRetry
import HookSinks
import HookTestSupport

/// Property-based fuzzing of every parser of what a remote peer sends (issue 12 item 1):
///
///     activityhook-fixture fuzz-remote [--seconds S | --iterations N] [--seed K]
///
/// `Retry-After` (seconds and dates), `Date` and the clock skew, the throttle's "retry again after" text,
/// the Management API error envelope, Entra's token response and error, the content listing body, Splunk
/// HEC's event and ack answers, and `NextPageUri`. A trap ends the process (the caller reports it); the
/// properties checked are the bounds the rest of the code relies on: every wait within a day and within
/// the policy's cap, every skew within a day, every accepted next page on the API root. Prints
/// `executions=N crashes=0 violations=0 …` per parser family.
func fuzzRemote(_ arguments: [String]) async -> Int32 {
    let seconds = Double(option("--seconds", in: arguments) ?? "") ?? 0
    let iterations = Int(option("--iterations", in: arguments) ?? "") ?? (seconds > 0 ? Int.max : 20_000)
    let seed = UInt64(option("--seed", in: arguments) ?? "") ?? UInt64(Date().timeIntervalSince1970)
    var rng = SeededGenerator(seed: seed)
    guard let http = try? HTTPClient() else { print("fuzz-remote: no HTTP client"); return 1 }
    defer { http.shutdown() }
    let api = RemoteFuzzTargets(http: http)
    let deadline = Date().addingTimeInterval(seconds > 0 ? seconds : .infinity)
    var executions = 0
    var perTarget = [Int](repeating: 0, count: RemoteFuzzTargets.families.count)
    while executions < iterations {
        if executions % 1024 == 0, Date() > deadline { break }
        let family = rng.below(RemoteFuzzTargets.families.count)
        let seeds = RemoteFuzzTargets.seeds[family]
        let input = FuzzCorpus.mutate(seeds[rng.below(seeds.count)], &rng)
        executions += 1
        perTarget[family] += 1
        if let violation = api.run(family: family, input) {
            print("PROPERTY VIOLATION family=\(RemoteFuzzTargets.families[family]) \(violation) input=\(Data(input).base64EncodedString())")
            return 1
        }
    }
    let counts = zip(RemoteFuzzTargets.families, perTarget).map { "\($0)=\($1)" }.joined(separator: " ")
    print("executions=\(executions) crashes=0 violations=0 seed=\(seed) \(counts)")
    return 0
}
