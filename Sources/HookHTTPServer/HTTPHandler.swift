import Synchronization

/// What to do with a request once its head is known.
public enum HTTPHeadDecision: Sendable {
    /// Read the body, answering 413 without reading the rest as soon as it exceeds `maxBodyBytes`.
    case readBody(maxBodyBytes: Int)
    /// Answer now without reading the body (404, 405, 401, …).
    case respond(HTTPResponse)
}

/// How a handler answers a complete request.
public enum HTTPHandlerResult: Sendable {
    /// Answer synchronously on the server thread: only for work that never blocks.
    case response(HTTPResponse)
    /// Run `work` as a child task of the server's `run()`; the connection is suspended meanwhile,
    /// so a libmicrohttpd thread is never blocked on it.
    case async(@Sendable () async -> HTTPResponse)
    /// Hand the request over without a task: `start` runs at once on the server thread and must only
    /// pass the responder on (to a queue, a commit, another thread); whoever finishes calls
    /// `HTTPResponder.respond` exactly once, from any thread. The connection is suspended meanwhile.
    case deferred(@Sendable (HTTPResponder) -> Void)
    /// Close the connection without answering (the client sees the connection dropped). For fault
    /// injection and for clients that are not worth an answer.
    case abort
}

/// Answers one request from any thread; the first `respond` wins, later ones are ignored.
public final class HTTPResponder: Sendable {
    private let deliver: @Sendable (HTTPResponse) -> Void
    private let answered = Atomic<Bool>(false)

    /// A responder that hands the response to `deliver` (exactly once). The server makes its own; this
    /// initializer lets a wrapping handler await a deferred answer.
    public init(_ deliver: @escaping @Sendable (HTTPResponse) -> Void) { self.deliver = deliver }

    public func respond(_ response: HTTPResponse) {
        guard !self.answered.exchange(true, ordering: .acquiringAndReleasing) else { return }
        self.deliver(response)
    }
}

extension HTTPHandlerResult {
    /// The response, awaiting async or deferred work (for handlers that wrap other handlers).
    public func response() async -> HTTPResponse {
        switch self {
        case .response(let response): return response
        case .async(let work): return await work()
        case .deferred(let start):
            return await withCheckedContinuation { continuation in
                start(HTTPResponder { continuation.resume(returning: $0) })
            }
        case .abort:
            // Once the work is async there is no connection to drop any more: the nearest answer.
            return HTTPResponse(status: 502, headers: ["Connection": "close"])
        }
    }
}

/// The application side of the server. Both methods are called on libmicrohttpd's threads and must
/// not block; slow work goes through `.async`.
public protocol HTTPHandler: Sendable {
    /// Decides from the head alone whether to read the body, and how much of it.
    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision
    /// Answers a complete request.
    func handle(_ request: HTTPRequest) -> HTTPHandlerResult
}
