import Foundation
import HookLedger
import HookTestSupport
import SimulatorTestSupport
import Synchronization
import Testing

/// Issues 6 and 13: the built `activityhook serve` killed with SIGKILL three times while it fetches and its
/// three sinks deliver, then restarted until everything is forwarded.
@Suite struct ServeForwardingTests {
    @Test(.timeLimit(.minutes(5)))
    func threeKillsWhileThreeSinksDeliverLoseNoRecord() async throws {
        try await withTemporaryDirectory { directory in
            try await EndToEnd.run(in: directory) { env in
                let notices = try await env.publish(blobs: 12, records: 3_000)
                let (expected, _) = try await env.expected(notices)
                let ledger = try await SQLiteLedger.open(path: env.statePath)
                _ = try await ledger.record(notices, source: .poll, at: Date())
                await ledger.close()
                let arguments = ["serve", "--config", env.configPath, "--no-poller", "--watchdog-interval", "0", "--log-format", "json"]

                // Half a second per blob (4 workers, 12 blobs): after a kill at 3, 6 and 9 blobs served, fetching
                // still has blobs left, so each kill lands mid-forwarding even on a busy machine.
                _ = try await env.sim.control("POST", "faults", #"{"faults":[{"endpoint":"blob","kind":"latency","latencyMs":500}]}"#)
                for served in [3, 6, 9] {
                    let run = try ChildProcess(try TestBinaries.require("activityhook"), arguments, stderrToStdout: true)
                    try await env.sim.waitFor("blobsServed", atLeast: served)
                    run.signal(SIGKILL)
                    #expect(await run.waitForExit() == SIGKILL)
                }
                let atKills = try await SQLiteLedger.open(path: env.statePath)
                let before = try await atKills.summary(now: Date()).total(.done)
                await atKills.close()
                #expect(before < notices.count, "every blob was done before the last kill (\(before))")

                _ = try await env.sim.control("DELETE", "faults")
                let last = try ChildProcess(try TestBinaries.require("activityhook"), arguments, stderrToStdout: true)
                defer { last.signal(SIGTERM) }
                let caughtUp = try await allSinksCaughtUp(last, sinks: EndToEnd.sinkNames, within: 120)
                #expect(caughtUp == true, "the restarted serve never drained the queue into every sink")
                last.signal(SIGTERM)
                #expect(await last.waitForExit() == 0)

                let after = try await SQLiteLedger.open(path: env.statePath)
                #expect(try await after.summary(now: Date()).total(.done) == notices.count)
                await after.close()
                // No sink misses a record. Records of a batch in flight at a kill (a spool window appended but
                // not yet recorded, or a delivery not yet recorded in its cursor) may arrive twice: counted,
                // and bounded by what can be in flight per kill (4 workers' windows of 1,000 records, plus one
                // read of 5,000 entries per sink).
                let wanted = Set(expected.values)
                for (name, got) in [("archive", try env.fileLines()), ("splunk", env.hec.events.map(\.event)),
                                    ("sentinel", try await env.ingestedRecords())] {
                    #expect(Set(got) == wanted, "\(name) misses \(wanted.subtracting(got).count) records")
                    let repeated = got.count - Set(got).count
                    #expect(repeated <= 3 * (4 * 1_000 + 5_000), "\(name): \(repeated) repeated")
                    print("sink \(name): \(got.count) records for \(wanted.count) distinct (\(repeated) repeated after 3 kills)")
                }
            }
        }
    }
}

extension FwdSim {
    /// Waits (a long poll on `/_sim/wait`, not a timer) until the simulator's `counter` reaches `atLeast`.
    func waitFor(_ counter: String, atLeast: Int, within seconds: Int = 60) async throws {
        let reached = try await waitForSimulatorCounter(url: self.url, http: self.http, counter, atLeast: atLeast, within: seconds)
        try #require(reached, "\(counter) stayed below \(atLeast) for \(seconds) s")
    }
}

/// The first output line of `process` containing `text`, or nil after `seconds` (a deadline, not a sleep).
/// Waits until `serve` (JSON logs) drained its work queue and every one of `sinks` caught up with the spool
/// up to where it stood then: the readiness signal that everything fetched reached every sink.
func allSinksCaughtUp(_ process: ChildProcess, sinks: [String], within seconds: Double) async throws -> Bool? {
    try await CaughtUpWatch().wait(process, sinks: sinks, within: seconds)
}

func firstLine(of process: ChildProcess, containing text: String, within seconds: Double) async throws -> String? {
    try await firstResult(within: seconds) { await process.waitForLine { $0.contains(text) } }
}
