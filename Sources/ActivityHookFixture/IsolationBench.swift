import Foundation
import HookConfig
import HookForwarder
import HookHTTPServer
import HookJSON
import HookLedger
import HookMetrics
import HookRecords
import HookSinks
import HookSpool
import Logging
import SimulatorTestSupport
import Synchronization

/// `isolation-bench SECONDS`: the alert fast path beside a bulk sink that is healthy, down, then throttled
/// (issue 13, `scripts/bench isolation`).
///
/// In process: a real spool, the real alert-webhook sink posting to a loopback receiver that notes each
/// alert's arrival, and the real logs-ingestion sink against the simulator's Logs Ingestion fake, whose
/// faults make it answer 503 (down) or 429 with `Retry-After: 2` (throttled). Windows of 50 records (5 of them
/// alerts) are appended at 20 windows/s; an alert's latency runs from its window's durable append to its
/// arrival. Baseline: the same run with Logs Ingestion healthy.
func isolationBench(_ arguments: [String]) async -> Int32 {
    let seconds = arguments.first.flatMap(Double.init) ?? 10
    let tenant = "11111111-1111-1111-1111-111111111111", app = "22222222-2222-2222-2222-222222222222"
    let scenario = #"{"settings":{"startThrottleSeconds":0,"requireHTTPSWebhook":false,"requirePublisherIdentifier":false},"#
        + #""tenants":[{"id":"\#(tenant)","apps":[{"clientId":"\#(app)","secret":"bench"}]}]}"#
    do {
        return try await withInProcessSimulator(scenario: scenario) { url, http in
            let arrivals = AlertArrivals()
            let logger = Logger(label: "isolation", factory: { _ in SwiftLogNoOpLogHandler() })
            let receiver = try HTTPServer(configuration: HTTPServerConfiguration(), handler: arrivals, logger: logger)
            return try await withThrowingTaskGroup(of: Void.self) { group in
                group.addTask { try await receiver.run() }
                defer { receiver.shutdown() }
                let directory = FileManager.default.temporaryDirectory.appendingPathComponent("isolation-\(UUID().uuidString)")
                try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
                defer { try? FileManager.default.removeItem(at: directory) }
                let yaml = """
                    server: { listen: "127.0.0.1:0", path: /hook, publicUrl: "http://127.0.0.1:9/hook", authId: "bench-auth-id-0123456789" }
                    state: { path: \(directory.path)/state.sqlite }
                    api: { apiRoot: "\(url)", loginUrl: "\(url)" }
                    tenants: [ { tenantId: "\(tenant)", clientId: "\(app)", clientSecret: bench, contentTypes: [Audit.General] } ]
                    sinks:
                      - { name: sentinel, type: logs-ingestion, endpoint: "\(url)", dcrImmutableId: dcr-0123456789abcdef0123456789abcdef, stream: Custom-O365Audit }
                      - { name: alerts, type: alert-webhook, url: "http://127.0.0.1:\(receiver.port)/hook", format: json, ratePerMinute: 6000 }
                    """
                try yaml.write(toFile: directory.appendingPathComponent("activityhook.yaml").path, atomically: true, encoding: .utf8)
                let config = try ConfigLoader.load(path: directory.appendingPathComponent("activityhook.yaml").path).config
                let registry = MetricsRegistry()
                let sinks = try SinkFactory.makeSinks(config.sinks, http: http, metrics: registry, logger: logger, config: config)
                let ledger = InMemoryLedger()
                let spool = try await Spool.open(SpoolConfiguration(directory: directory.appendingPathComponent("spool").path), logger: logger)
                try await ledger.createCursors(sinks.map(\.name), at: spool.end, allSinks: sinks.map(\.name), now: Date())
                let board = CursorBoard(sinks: sinks.map(\.name), cursors: try await ledger.sinkCursors())
                let metrics = DeliveryMetrics(registry: registry)
                let loops = sinks.map { SinkDeliveryLoop(sink: $0, spool: spool, ledger: ledger, board: board, metrics: metrics, logger: logger) }
                for loop in loops { group.addTask { try await loop.run() } }
                defer { for loop in loops { loop.beginShutdown() } }

                var results: [(String, [Double])] = []
                let phases: [(String, String?)] = [
                    ("healthy", nil),
                    ("down", #"{"faults":[{"endpoint":"ingest","kind":"5xx","status":503}]}"#),
                    ("throttled", #"{"faults":[{"endpoint":"ingest","kind":"throttle","retryAfterSeconds":2}]}"#),
                ]
                for (phase, faults) in phases {
                    _ = try await simulatorControl(url: url, http: http, "DELETE", "faults")
                    if let faults { _ = try await simulatorControl(url: url, http: http, "POST", "faults", faults) }
                    let appended = try await IsolationLoad.run(spool: spool, phase: phase, seconds: seconds)
                    await board.waitUntil("alerts", reaches: spool.end)
                    let latencies = appended.compactMap { id, at in arrivals.arrival(of: id).map { ($0 - at) * 1000 } }.sorted()
                    guard latencies.count == appended.count else {
                        print("isolation: \(phase): \(latencies.count) of \(appended.count) alerts arrived")
                        return 1
                    }
                    results.append((phase, latencies))
                    print("phase=\(phase) alerts=\(latencies.count) p50_ms=\(fmt(pct(latencies, 0.5))) p99_ms=\(fmt(pct(latencies, 0.99)))"
                          + " max_ms=\(fmt(latencies.last ?? 0)) sentinel_state=\(board.state(of: "sentinel").rawValue)"
                          + " sentinel_lag=\(spool.end - (board.cursor(of: "sentinel") ?? 0))")
                }
                let base = max(pct(results[0].1, 0.99), 0.001)
                var line = "BENCH isolation"
                for (phase, latencies) in results {
                    line += " p50_ms_\(phase)=\(fmt(pct(latencies, 0.5))) p99_ms_\(phase)=\(fmt(pct(latencies, 0.99)))"
                }
                line += " ratio_p99_down=\(fmt(pct(results[1].1, 0.99) / base)) ratio_p99_throttled=\(fmt(pct(results[2].1, 0.99) / base))"
                print(line)
                spool.close()
                group.cancelAll()
                return 0
            }
        }
    } catch {
        print("isolation: \(error)")
        return 1
    }
}

private func pct(_ sorted: [Double], _ p: Double) -> Double {
    guard !sorted.isEmpty else { return 0 }
    return sorted[min(sorted.count - 1, Int((Double(sorted.count) * p).rounded(.up)) - 1)]
}

private func fmt(_ value: Double) -> String { String(format: "%.2f", value) }

/// Appends windows at a fixed rate and notes when each alert's window became durable.
enum IsolationLoad {
    static func run(spool: Spool, phase: String, seconds: Double) async throws -> [(String, Double)] {
        var appended: [(String, Double)] = []
        let windows = Int(seconds * 20)
        let start = ContinuousClock.now
        for window in 0..<windows {
            let due = start.advanced(by: .milliseconds(50 * window))
            if due > ContinuousClock.now { try await Task.sleep(until: due, clock: .continuous) }
            var records: [SpoolRecord] = []
            var alerts: [String] = []
            for index in 0..<50 {
                let id = "\(phase)-\(window)-\(index)"
                let type = index % 10 == 0 ? 40 : 1
                if type == 40 { alerts.append(id) }
                let text = #"{"Id":"\#(id)","CreationTime":"2026-12-04T10:00:00","RecordType":\#(type),"Operation":"AlertTriggered","#
                    + #""Workload":"SecurityComplianceCenter","Name":"Bench alert","Severity":"High","UserId":"user@example.com"}"#
                let record = SplitRecord(bytes: Array(text.utf8), offset: index * 300, id: id, recordType: type,
                                         creationTimeText: "2026-12-04T10:00:00", operation: "AlertTriggered",
                                         workload: "SecurityComplianceCenter", organizationId: nil, userId: "user@example.com")
                records.append(SpoolRecord(origin: BlobSource(blobId: Int64(window + 1), tenantId: "11111111-1111-1111-1111-111111111111",
                                                              contentType: "Audit.General", contentId: "\(phase)-\(window)"), record: record))
            }
            _ = try await spool.append(records)
            let durable = Date().timeIntervalSince1970
            appended += alerts.map { ($0, durable) }
        }
        return appended
    }
}

/// The alert receiver: answers 202 and notes when each alert (by its `recordId`) arrived.
final class AlertArrivals: HTTPHandler {
    private let arrived = Mutex<[String: Double]>([:])

    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision { .readBody(maxBodyBytes: 1 << 20) }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        let now = Date().timeIntervalSince1970
        if let message = try? JSONParser.parse(request.body), let id = message["recordId"]?.stringValue {
            self.arrived.withLock { if $0[id] == nil { $0[id] = now } }
        }
        return .response(HTTPResponse(status: 202, headers: [:], body: []))
    }

    func arrival(of id: String) -> Double? { self.arrived.withLock { $0[id] } }
}
