import Foundation
import HookLedger
import HookManagementAPI
import HookPoller
import HookTestSupport
import Testing

/// `activityhook backfill` as a built binary against the in-process simulator.
@Suite struct BackfillCLITests {
    @Test func refusesEightDaysAndListsSixDays23HoursIdempotently() async throws {
        try await withTemporaryDirectory { directory in
            try await withPollSim(PollSim.scenario(settings: #","pageSize":10"#)) { sim in
                _ = try await sim.client().start("Audit.General", webhook: nil)
                // 25 blobs made 6 days 22 hours ago, 5 made now.
                try await sim.control("POST", "publish", """
                    {"tenant":"\(tenantA)","contentType":"Audit.General","blobs":25,"recordsPerBlob":1,"notify":false,"ageSeconds":\(6 * 86_400 + 22 * 3600)}
                    """)
                try await sim.publish(blobs: 5)
                let config = try writeConfig(in: directory, simURL: sim.url)

                let old = Date().addingTimeInterval(-8 * 86_400).ISO8601Format()
                let refused = try await activityhook(["backfill", "--config", config, "--since", old])
                #expect(refused.status == 2)
                #expect(refused.output.contains("older than the API can serve"), "\(refused.output)")
                #expect(try await sim.counter("blobsListed") == 0)

                let since = Date().addingTimeInterval(-(6 * 86_400 + 23 * 3600)).ISO8601Format()
                let until = Date().addingTimeInterval(2).ISO8601Format()
                let first = try await activityhook(["backfill", "--config", config, "--since", since, "--until", until])
                #expect(first.status == 0, "\(first.output)")
                // 6 d 23 h in windows of at most 24 h: seven windows.
                #expect(first.output.contains("backfill done: windows=7 pages="), "\(first.output)")
                #expect(first.output.contains("new=30 known=0"), "\(first.output)")

                let again = try await activityhook(["backfill", "--config", config, "--since", since, "--until", until,
                                                    "--tenant", tenantA, "--content-type", "Audit.General"])
                #expect(again.status == 0, "\(again.output)")
                #expect(again.output.contains("new=0 known=30"), "\(again.output)")

                // `status --json` shows the webhook gaps beside Microsoft's view.
                let status = try await activityhook(["status", "--config", config, "--json"])
                #expect(status.status == 0, "\(status.output)")
                #expect(status.output.contains(#""completeness":{"notified":0,"listed":30,"onlyPolled":30,"onlyNotified":0}"#),
                        "\(status.output)")

                let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
                let counts = try #require(try await ledger.completeness().first)
                #expect(counts.listed == 30)
                #expect(counts.onlyListed == 30)
                // A backfill leaves the poll watermark alone.
                #expect(try await ledger.watermark(tenantId: tenantA, contentType: "Audit.General") == nil)
                await ledger.close()
            }
        }
    }
}

/// A config for tenant A against the simulator (one content type, a file sink that is never written).
func writeConfig(in directory: URL, simURL: String, extra: String = "") throws -> String {
    try writeSimulatorConfig(in: directory, simURL: simURL, tenant: tenantA, app: appA, secret: secretA, publisher: publisher, extra: extra)
}

/// The built `activityhook`, run to completion (see `runActivityhook`).
func activityhook(_ arguments: [String]) async throws -> (status: Int32, output: String) { try await runActivityhook(arguments) }
