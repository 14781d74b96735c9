import Foundation
import HookHTTPServer
import HookLedger
import Synchronization

/// How old the ledger facts behind `/healthz` and `/metrics` may be: scrapes within it share one ledger read.
public let summaryMaxAge: Duration = .seconds(2)

/// `GET /healthz`: 200 when the service is accepting and the ledger can commit; 503 with a JSON reason.
///
/// The ledger check (``Ledger/checkWritable()``: no write, on the summary connection) runs at most once per
/// `maxAge`; concurrent probes share it.
public final class HealthEndpoint: Sendable {
    private let state = Mutex<(ready: Bool, reason: String)>((false, "starting"))
    let ledger: (any Ledger)?
    /// The ledger check's last outcome: nil when writable, else the reason.
    private let ledgerCheck: RefreshGate<String?>?

    public init(ledger: (any Ledger)?, maxAge: Duration = summaryMaxAge) {
        self.ledger = ledger
        self.ledgerCheck = ledger.map { ledger in
            RefreshGate(maxAge: maxAge) {
                do {
                    try await ledger.checkWritable()
                    return nil
                } catch {
                    return "ledger is not writable: \(error)"
                }
            }
        }
    }

    /// Marks the service ready (or not, with a reason shown to the prober).
    public func set(ready: Bool, reason: String = "") {
        self.state.withLock { $0 = (ready, reason) }
    }

    /// The answer for `/healthz`, or nil when `head` is not a health request.
    func answer(_ head: HTTPRequestHead) -> HTTPHeadDecision? {
        guard head.path == "/healthz" else { return nil }
        guard head.method == "GET" || head.method == "HEAD" else {
            return .respond(.error(405, code: "MethodNotAllowed", message: "use GET"))
        }
        return .readBody(maxBodyBytes: 0)
    }

    func handle() -> HTTPHandlerResult {
        let (ready, reason) = self.state.withLock { $0 }
        guard ready else { return .response(Self.unavailable(reason)) }
        guard let check = self.ledgerCheck else { return .response(.json(200, #"{"status":"ok"}"#)) }
        return .async {
            if let reason = await check.value() { return Self.unavailable(reason) }
            return .json(200, #"{"status":"ok"}"#)
        }
    }

    static func unavailable(_ reason: String) -> HTTPResponse {
        .json(503, #"{"status":"unavailable","reason":"\#(jsonEscaped(reason))"}"#)
    }
}

/// Serves `/metrics` in Prometheus text format, refreshing the ledger gauges (and running the scrape hooks)
/// first when they are older than `maxAge`; concurrent scrapes share one refresh.
struct MetricsEndpoint: Sendable {
    let metrics: ReceiverMetrics
    let ledger: (any Ledger)?
    private let gauges: RefreshGate<Bool>

    init(metrics: ReceiverMetrics, ledger: (any Ledger)?, maxAge: Duration = summaryMaxAge) {
        self.metrics = metrics
        self.ledger = ledger
        self.gauges = RefreshGate(maxAge: maxAge) {
            if let ledger, let summary = try? await ledger.summary(now: Date()) { metrics.update(from: summary, now: Date()) }
            await metrics.runScrapeHooks()
            return true
        }
    }

    func answer(_ head: HTTPRequestHead) -> HTTPHeadDecision? {
        guard head.path == "/metrics" else { return nil }
        guard head.method == "GET" else { return .respond(.error(405, code: "MethodNotAllowed", message: "use GET")) }
        return .readBody(maxBodyBytes: 0)
    }

    func handle() -> HTTPHandlerResult {
        let metrics = self.metrics
        let gauges = self.gauges
        return .async {
            _ = await gauges.value()
            return HTTPResponse(status: 200, headers: ["Content-Type": "text/plain; version=0.0.4; charset=utf-8"],
                                body: Array(metrics.registry.render().utf8))
        }
    }
}

/// The admin listener's handler (`server.adminListen`): `/healthz` and `/metrics` only.
public struct AdminEndpoint: HTTPHandler {
    let health: HealthEndpoint?
    let metrics: MetricsEndpoint?

    init(health: HealthEndpoint?, metrics: MetricsEndpoint?) {
        self.health = health
        self.metrics = metrics
    }

    public func head(_ head: HTTPRequestHead) -> HTTPHeadDecision {
        if let decision = self.health?.answer(head) ?? self.metrics?.answer(head) { return decision }
        return .respond(.error(404, code: "NotFound", message: "no such path"))
    }

    public func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        if request.path == "/healthz", let health = self.health { return health.handle() }
        if request.path == "/metrics", let metrics = self.metrics { return metrics.handle() }
        return .response(.status(404))
    }
}
