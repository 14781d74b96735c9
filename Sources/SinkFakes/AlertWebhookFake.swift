import HookHTTPServer
import HookJSON
import Logging
import Synchronization

/// A loopback alert webhook (Teams Workflows / Slack / generic JSON) for tests: stores every posted JSON
/// body and can fail the next posts with a status and `Retry-After`.
///
/// Answers 202 like a Teams Workflows trigger (or `successStatus`), 415 without `Content-Type: application/json`,
/// 400 for a body that is not JSON. Run it with ``run(successStatus:_:)``.
public final class AlertWebhookFake: Sendable {
    /// The URL to post to, with a path that stands in for the credential real webhook URLs embed.
    public let url: String
    private let handler: Handler

    private init(url: String, handler: Handler) {
        self.url = url
        self.handler = handler
    }

    /// Starts a fake on 127.0.0.1:0, runs `body` with it, and stops it afterwards (also when `body` throws).
    public static func run<T: Sendable>(successStatus: Int = 202,
                                        _ body: @Sendable (AlertWebhookFake) async throws -> T) async throws -> T {
        let handler = Handler(successStatus: successStatus)
        let logger = Logger(label: "alert-webhook-fake", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = try HTTPServer(configuration: HTTPServerConfiguration(), handler: handler, logger: logger)
        let fake = AlertWebhookFake(url: "http://127.0.0.1:\(server.port)/workflows/triggers/manual/sig-s3cr3t", handler: handler)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer { server.shutdown() }
            return try await body(fake)
        }
    }

    /// Every accepted body, in arrival order.
    public var bodies: [[UInt8]] { self.handler.state.withLock { $0.bodies } }

    /// Every accepted body, parsed.
    public func messages() throws -> [JSONValue] { try self.bodies.map { try JSONParser.parse($0) } }

    /// How many posts arrived, including failed ones.
    public var attempts: Int { self.handler.state.withLock { $0.attempts } }

    /// Answers the next `count` posts with `status` (and `Retry-After: retryAfterSeconds` when given) and `body`,
    /// without storing them.
    public func failNext(_ count: Int, status: Int, retryAfterSeconds: Int? = nil, body: String = "") {
        self.failNext(count, status: status, retryAfter: retryAfterSeconds.map(String.init), body: body)
    }

    /// The same with any `Retry-After` text, absurd ones included (hostile-peer tests).
    public func failNext(_ count: Int, status: Int, retryAfter: String?, body: String = "") {
        self.handler.state.withLock { $0.failures = Failure(remaining: count, status: status, retryAfter: retryAfter, body: body) }
    }

    struct Failure {
        var remaining: Int
        var status: Int
        var retryAfter: String?
        var body: String
    }

    struct State {
        var bodies: [[UInt8]] = []
        var attempts = 0
        var failures: Failure?
    }

    final class Handler: HTTPHandler {
        let successStatus: Int
        let state = Mutex(State())

        init(successStatus: Int) { self.successStatus = successStatus }

        func head(_ head: HTTPRequestHead) -> HTTPHeadDecision {
            head.method == "POST" ? .readBody(maxBodyBytes: 1 << 20) : .respond(.error(405, code: "MethodNotAllowed", message: "POST only"))
        }

        func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
            let failure: Failure? = self.state.withLock { state in
                state.attempts += 1
                guard var failure = state.failures, failure.remaining > 0 else { return nil }
                failure.remaining -= 1
                state.failures = failure
                return failure
            }
            if let failure {
                var response = HTTPResponse.text(failure.status, failure.body)
                if let text = failure.retryAfter { response.headers.add("Retry-After", text) }
                return .response(response)
            }
            guard request.headers["Content-Type"]?.lowercased().hasPrefix("application/json") == true else {
                return .response(.text(415, "Content-Type must be application/json"))
            }
            guard (try? JSONParser.parse(request.body)) != nil else { return .response(.text(400, "invalid_payload")) }
            self.state.withLock { $0.bodies.append(request.body) }
            return .response(HTTPResponse(status: self.successStatus))
        }
    }
}
