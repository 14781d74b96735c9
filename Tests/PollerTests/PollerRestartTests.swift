import Foundation
import HookLedger
import HookTestSupport
import Synchronization
import Testing

/// Issue 7: `serve` killed with SIGKILL in the middle of a 60-page listing window, then restarted.
@Suite struct PollerRestartTests {
    @Test(.timeLimit(.minutes(2)))
    func aKillMidWindowLosesNoBlobAndLeavesTheWatermarkUntilTheWindowIsComplete() async throws {
        try await withTemporaryDirectory { directory in
            try await withPollSim(PollSim.scenario(settings: #","pageSize":5"#)) { sim in
                _ = try await sim.client().start("Audit.General", webhook: nil)
                try await sim.publish(blobs: 300)  // 60 pages of 5
                // 60 ms per page: the listing takes 3.6 s and half of it is left when page 30 is served, so the
                // kill lands inside it even on a busy machine.
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"content","kind":"latency","latencyMs":60}]}"#)
                let config = try writeConfig(in: directory, simURL: sim.url, extra: "poller:\n  interval: 1s\n")
                let statePath = directory.appendingPathComponent("state.sqlite").path

                let first = try ChildProcess(try TestBinaries.require("activityhook"), ["serve", "--config", config],
                                             stderrToStdout: true)
                try await sim.waitFor("blobsListed", atLeast: 150)  // page 30 of 60 has been served
                first.signal(SIGKILL)
                #expect(await first.waitForExit() != 0)
                let listedBeforeKill = try await sim.counter("blobsListed")
                #expect(listedBeforeKill < 300, "the first listing finished before the kill (\(listedBeforeKill) listed)")

                // Nothing of the unfinished window counts as listed: no watermark.
                let ledger = try await SQLiteLedger.open(path: statePath)
                #expect(try await ledger.watermark(tenantId: tenantA, contentType: "Audit.General") == nil)
                await ledger.close()

                let second = try ChildProcess(try TestBinaries.require("activityhook"),
                                              ["serve", "--config", config, "--log-format", "json"], stderrToStdout: true)
                defer { second.signal(SIGTERM) }
                let polled = try await firstResult(within: 60) {
                    await second.waitForLine { $0.contains("poll listed new blobs") }
                }
                let line = try #require(polled, "the restarted serve did not finish its poll")
                #expect(line.contains(#""new":"300""#), "\(line)")
                second.signal(SIGTERM)
                #expect(await second.waitForExit() == 0)

                let after = try await SQLiteLedger.open(path: statePath)
                #expect(try await after.summary(now: Date()).counts.reduce(0) { $0 + $1.count } == 300)
                let watermark = try #require(try await after.watermark(tenantId: tenantA, contentType: "Audit.General"))
                // The watermark is the end of the window just listed: after every published blob, not in the future.
                #expect(watermark > Date().addingTimeInterval(-60) && watermark <= Date().addingTimeInterval(1))
                await after.close()
            }
        }
    }
}
