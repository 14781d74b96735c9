import Foundation
import HookLedger
import HookManagementAPI
import HookTestSupport
import Synchronization
import Testing

/// The poller inside a built `activityhook serve`, against the in-process simulator.
@Suite struct ServePollerTests {
    @Test func servePollsWhatWasNeverNotified() async throws {
        try await withTemporaryDirectory { directory in
            try await withPollSim(PollSim.scenario(settings: #","pageSize":4"#)) { sim in
                _ = try await sim.client().start("Audit.General", webhook: nil)
                try await sim.publish(blobs: 10)
                let config = try writeConfig(in: directory, simURL: sim.url, extra: "poller:\n  interval: 1s\n")
                let serve = try ChildProcess(try TestBinaries.require("activityhook"),
                                             ["serve", "--config", config, "--log-format", "json"], stderrToStdout: true)
                defer { serve.signal(SIGTERM) }
                // The poller may log before the ready line is printed: keep every line, wait for the poll's.
                let seen = Mutex<[String]>([])
                let ready = await serve.waitForLine { line in
                    seen.withLock { $0.append(line) }
                    return line.hasPrefix("activityhook ready")
                }
                #expect(ready != nil, "serve did not start")
                let early = seen.withLock { $0 }.first { $0.contains("poll listed new blobs") }
                var polled = early
                if polled == nil {
                    polled = try await firstResult(within: 30) {
                        await serve.waitForLine { line in
                            seen.withLock { $0.append(line) }
                            return line.contains("poll listed new blobs")
                        }
                    }
                }
                let line = try #require(polled, "serve's poller listed nothing: \(seen.withLock { $0 }.joined(separator: "\n"))")
                #expect(line.contains(#""new":"10""#), "\(line)")
                serve.signal(SIGTERM)
                #expect(await serve.waitForExit() == 0)

                let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
                #expect(try await ledger.summary(now: Date()).counts.reduce(0) { $0 + $1.count } == 10)
                #expect(try await ledger.watermark(tenantId: tenantA, contentType: "Audit.General") != nil)
                await ledger.close()
            }
        }
    }
}
