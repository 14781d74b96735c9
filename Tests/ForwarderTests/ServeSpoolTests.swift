import Foundation
import HookJSON
import HookLedger
import HookRecords
import HookTestSupport
import SimulatorTestSupport
import SinkFakes
import Synchronization
import Testing

/// Issue 13, "how it will be checked", on the built `activityhook serve`: the Logs Ingestion endpoint answers
/// 503 for as long as the test wants; the file and alert sinks get every record meanwhile, each blob is
/// downloaded once, and once Logs Ingestion recovers it gets every record exactly once, from the spool.
@Suite struct ServeSpoolTests {
    static let alertTypes: Set<Int> = [28, 40, 41, 47]

    @Test(.timeLimit(.minutes(4)))
    func aSinkThatAnswers503DelaysNoOtherSinkAndGetsEveryRecordOnceItRecovers() async throws {
        try await AlertWebhookFake.run { alerts in
            try await withTemporaryDirectory { directory in
                try await EndToEnd.run(in: directory, sinks: ["archive", "sentinel", "alerts"], alertURL: alerts.url) { env in
                    let notices = try await env.publish(blobs: 8, records: 400)
                    var served: [SplitRecord] = []
                    for notice in notices { served += try RecordSplitter.split(try await env.sim.rawBlob(notice)) }
                    let (expected, _) = try await env.expected(notices)
                    let wantedAlerts = Set(served.filter { Self.alertTypes.contains($0.recordType ?? 0) }.compactMap(\.id))
                    #expect(!wantedAlerts.isEmpty)
                    let servedBefore = try #require(try await env.sim.control("GET", "counters")["blobsServed"] as? Int)
                    let ledger = try await SQLiteLedger.open(path: env.statePath)
                    _ = try await ledger.record(notices, source: .poll, at: Date())
                    await ledger.close()
                    // Sentinel is down: every Logs Ingestion call answers 503.
                    _ = try await env.sim.control("POST", "faults", #"{"faults":[{"endpoint":"ingest","kind":"5xx","status":503}]}"#)

                    let arguments = ["serve", "--config", env.configPath, "--no-poller", "--watchdog-interval", "0", "--log-format", "json"]
                    let serve = try ChildProcess(try TestBinaries.require("activityhook"), arguments, stderrToStdout: true)
                    defer { serve.signal(SIGKILL) }
                    let watch = CaughtUpWatch()
                    #expect(try await watch.wait(serve, sinks: ["archive", "alerts"], within: 120), "archive and alerts never caught up")
                    #expect(Set(try env.fileLines()) == Set(expected.values))
                    #expect(try env.fileLines().count == expected.count)
                    let alertIds = Set(try alerts.messages().compactMap { $0["recordId"]?.stringValue })
                    #expect(alertIds == wantedAlerts, "alerts: \(alertIds.count) of \(wantedAlerts.count)")
                    #expect(try await env.ingestedRecords().isEmpty)
                    // Each blob was downloaded once, whatever Sentinel did.
                    #expect(try await env.sim.control("GET", "counters")["blobsServed"] as? Int == servedBefore + notices.count)
                    // status shows Sentinel retrying with its backlog in the spool; the others delivering.
                    let status = try await runActivityhook(["status", "--json", "--config", env.configPath])
                    #expect(status.output.contains(#"{"name":"sentinel","type":"logs-ingestion","state":"retrying""#), "\(status.output)")
                    #expect(status.output.contains(#"{"name":"archive","type":"file","state":"delivering","lagRecords":0"#), "\(status.output)")

                    // Sentinel recovers: every record, exactly once, from the spool; no second download.
                    _ = try await env.sim.control("DELETE", "faults")
                    #expect(try await watch.wait(serve, sinks: ["sentinel"], within: 120), "sentinel never caught up")
                    let ingested = try await env.ingestedRecords()
                    #expect(ingested.count == expected.count)
                    #expect(Set(ingested) == Set(expected.values))
                    #expect(try await env.sim.control("GET", "counters")["blobsServed"] as? Int == servedBefore + notices.count)
                    serve.signal(SIGTERM)
                    #expect(await serve.waitForExit() == 0)
                    let after = try await SQLiteLedger.open(path: env.statePath)
                    #expect(try await after.summary(now: Date()).total(.done) == notices.count)
                    await after.close()
                }
            }
        }
    }
}

/// Follows `serve`'s JSON log lines: the spool end at "work queue drained" and each sink's "caught up".
final class CaughtUpWatch: Sendable {
    private let state = Mutex<(drainedAt: UInt64?, reached: [String: UInt64])>((nil, [:]))

    /// Waits until the queue drained and each of `sinks` caught up with the spool as it stood then.
    func wait(_ process: ChildProcess, sinks: [String], within seconds: Double) async throws -> Bool {
        if self.done(sinks) { return true }
        let line = try await firstResult(within: seconds) {
            await process.waitForLine { line in
                self.note(line)
                return self.done(sinks)
            }
        }
        return line != nil
    }

    private func done(_ sinks: [String]) -> Bool {
        self.state.withLock { state in
            guard let drained = state.drainedAt else { return false }
            return sinks.allSatisfy { (state.reached[$0] ?? 0) >= drained }
        }
    }

    func note(_ line: String) {
        @Sendable func value(_ key: String) -> String? {
            guard let range = line.range(of: "\"\(key)\":\"") else { return nil }
            return String(line[range.upperBound...].prefix { $0 != "\"" })
        }
        self.state.withLock { state in
            if line.contains("work queue drained"), let end = value("spoolEnd").flatMap(UInt64.init) {
                state.drainedAt = end
            } else if line.contains("sink caught up with the spool"), let sink = value("sink"),
                      let end = value("spoolEnd").flatMap(UInt64.init) {
                state.reached[sink] = max(state.reached[sink] ?? 0, end)
            }
        }
    }
}
