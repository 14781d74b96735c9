import HookHTTPServer
import Synchronization

/// `GET /healthz`: 200 once the service is ready, 503 with a JSON reason otherwise.
public final class HealthEndpoint: Sendable {
    private let state = Mutex<(ready: Bool, reason: String)>((false, "starting"))

    public init() {}

    /// Marks the service ready (or not, with a reason shown to the prober).
    public func set(ready: Bool, reason: String = "") {
        self.state.withLock { $0 = (ready, reason) }
    }

    /// The response for `/healthz`, or nil when `head` is not a health request.
    func answer(_ head: HTTPRequestHead) -> HTTPResponse? {
        guard head.path == "/healthz" else { return nil }
        guard head.method == "GET" || head.method == "HEAD" else {
            return .error(405, code: "MethodNotAllowed", message: "use GET")
        }
        let (ready, reason) = self.state.withLock { $0 }
        return ready ? .json(200, #"{"status":"ok"}"#)
            : .json(503, #"{"status":"unavailable","reason":"\#(jsonEscaped(reason))"}"#)
    }
}

/// The admin listener's handler (`server.adminListen`): health (and later metrics) only.
public struct AdminEndpoint: HTTPHandler {
    let health: HealthEndpoint?

    public init(health: HealthEndpoint?) { self.health = health }

    public func head(_ head: HTTPRequestHead) -> HTTPHeadDecision {
        if let response = self.health?.answer(head) { return .respond(response) }
        return .respond(.error(404, code: "NotFound", message: "no such path"))
    }

    public func handle(_ request: HTTPRequest) -> HTTPHandlerResult { .response(.status(404)) }
}
