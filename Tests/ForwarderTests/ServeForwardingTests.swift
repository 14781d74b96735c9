import Foundation
import HookLedger
import HookTestSupport
import SimulatorTestSupport
import Synchronization
import Testing

/// Issue 6: the built `activityhook serve` killed with SIGKILL while it forwards, then restarted.
@Suite struct ServeForwardingTests {
    @Test(.timeLimit(.minutes(3)))
    func aKillDuringForwardingLosesNoRecord() async throws {
        try await withTemporaryDirectory { directory in
            try await EndToEnd.run(in: directory) { env in
                let notices = try await env.publish(blobs: 12, records: 3_000)
                let (expected, _) = try await env.expected(notices)
                let ledger = try await SQLiteLedger.open(path: env.statePath)
                _ = try await ledger.record(notices, source: .poll, at: Date())
                await ledger.close()
                let arguments = ["serve", "--config", env.configPath, "--no-poller", "--watchdog-interval", "0", "--log-format", "json"]

                // Half a second per blob (4 workers, 12 blobs): after the third blob is served, at least a second
                // of fetching is left, so the kill lands mid-forwarding even on a busy machine.
                _ = try await env.sim.control("POST", "faults", #"{"faults":[{"endpoint":"blob","kind":"latency","latencyMs":500}]}"#)
                let first = try ChildProcess(try TestBinaries.require("activityhook"), arguments, stderrToStdout: true)
                // Three blobs fetched: forwarding is under way when the kill lands.
                try await env.sim.waitFor("blobsServed", atLeast: 3)
                first.signal(SIGKILL)
                #expect(await first.waitForExit() != 0)
                let doneAtKill = try await SQLiteLedger.open(path: env.statePath)
                let before = try await doneAtKill.summary(now: Date()).total(.done)
                await doneAtKill.close()
                #expect(before < notices.count, "every blob was done before the kill (\(before))")

                _ = try await env.sim.control("DELETE", "faults")
                let second = try ChildProcess(try TestBinaries.require("activityhook"), arguments, stderrToStdout: true)
                defer { second.signal(SIGTERM) }
                let caughtUp = try await allSinksCaughtUp(second, sinks: ["archive", "splunk", "sentinel"], within: 120)
                #expect(caughtUp == true, "the restarted serve never drained the queue into every sink")
                second.signal(SIGTERM)
                #expect(await second.waitForExit() == 0)

                let after = try await SQLiteLedger.open(path: env.statePath)
                #expect(try await after.summary(now: Date()).total(.done) == notices.count)
                await after.close()
                // Nothing is missing anywhere. A sink whose acceptance of a blob was not yet recorded at the kill
                // may hold some of that blob's records twice (the documented at-least-once edge); count them.
                let wanted = Set(expected.values)
                for (name, got) in [("archive", try env.fileLines()), ("splunk", env.hec.events.map(\.event)),
                                    ("sentinel", try await env.ingestedRecords())] {
                    #expect(Set(got) == wanted, "\(name) misses \(wanted.subtracting(got).count) records")
                    print("sink \(name): \(got.count) records for \(wanted.count) distinct (\(got.count - Set(got).count) repeated after the kill)")
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
