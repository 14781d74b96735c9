import Foundation
import HookLedger
import HookManagementAPI
import HookPoller
import HookTestSupport
import Testing

/// `activityhook backfill` as a built binary against the in-process simulator: it records a job for serve.
@Suite struct BackfillCLITests {
    @Test func withoutServeItRefusesEightDaysAndRecordsAJobThatServeWillRun() async throws {
        try await withTemporaryDirectory { directory in
            try await withPollSim(PollSim.scenario(settings: #","pageSize":10"#)) { sim in
                _ = try await sim.client().start("Audit.General", webhook: nil)
                try await sim.publish(blobs: 5)
                let config = try writeConfig(in: directory, simURL: sim.url)

                let old = Date().addingTimeInterval(-8 * 86_400).ISO8601Format()
                let refused = try await activityhook(["backfill", "--config", config, "--since", old])
                #expect(refused.status == 2)
                #expect(refused.output.contains("older than the API can serve"), "\(refused.output)")

                let since = Date().addingTimeInterval(-(6 * 86_400 + 23 * 3600)).ISO8601Format()
                let recorded = try await activityhook(["backfill", "--config", config, "--since", since,
                                                       "--tenant", tenantA, "--content-type", "Audit.General"])
                #expect(recorded.status == 0, "\(recorded.output)")
                #expect(recorded.output.contains("backfill job 1 recorded"), "\(recorded.output)")
                #expect(recorded.output.contains("no activityhook serve is running"), "\(recorded.output)")
                // Only serve makes bulk calls: the CLI listed nothing.
                #expect(try await sim.counter("blobsListed") == 0)

                let status = try await activityhook(["status", "--config", config, "--json"])
                #expect(status.status == 0, "\(status.output)")
                #expect(status.output.contains(#""backfillJobs":[{"id":1,"state":"queued","#), "\(status.output)")

                let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
                let job = try #require(try await ledger.backfillJob(id: 1))
                #expect(job.state == .queued && job.request.tenantId == tenantA && job.request.contentType == "Audit.General")
                #expect(job.request.until == nil)
                await ledger.close()
            }
        }
    }
}

/// `register`, `status` and `unregister` take their calls from the per-tenant budget in the ledger, the one
/// serve's calls come out of too (docs/request-budget.md).
@Suite struct LifecycleBudgetTests {
    @Test func registerStatusAndUnregisterDrawFromTheLedgersBudget() async throws {
        try await withTemporaryDirectory { directory in
            try await withPollSim { sim in
                let config = try writeConfig(in: directory, simURL: sim.url, apiExtra: "requestsPerMinute: 20")
                // Whether they succeed does not matter here (nobody validates the webhook): each asks Microsoft.
                for command in ["register", "status", "unregister"] {
                    let run = try await activityhook([command, "--config", config])
                    #expect(run.status == 0 || run.status == 1, "\(command): \(run.output)")
                }
                let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
                // What is left of this minute's 20 after the three commands, each of which made at least one call.
                let grant = try await ledger.reserveCalls(tenantId: tenantA, calls: 20, limit: 20, window: .seconds(61),
                                                          validity: .seconds(5), now: Date())
                let left: Int
                switch grant {
                case .granted(let calls, _): left = calls
                case .wait: left = 0
                }
                #expect(left <= 17, "the commands took \(20 - left) calls from the ledger's budget")
                await ledger.close()
            }
        }
    }
}

/// A config for tenant A against the simulator (one content type, a file sink).
func writeConfig(in directory: URL, simURL: String, extra: String = "", apiExtra: String = "") throws -> String {
    try writeSimulatorConfig(in: directory, simURL: simURL, tenant: tenantA, app: appA, secret: secretA, publisher: publisher,
                             extra: extra, apiExtra: apiExtra)
}

/// The built `activityhook`, run to completion (see `runActivityhook`).
func activityhook(_ arguments: [String]) async throws -> (status: Int32, output: String) { try await runActivityhook(arguments) }

/// Starts the built `activityhook serve` on `config` and waits for its ready line.
func startServe(_ config: String) async throws -> ChildProcess {
    let serve = try ChildProcess(try TestBinaries.require("activityhook"), ["serve", "--config", config, "--log-format", "json"],
                                 stderrToStdout: true)
    let ready = await serve.waitForLine { $0.hasPrefix("activityhook ready") }
    try #require(ready != nil, "serve did not start")
    return serve
}
