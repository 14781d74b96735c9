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
}

/// The application side of the server. Both methods are called on libmicrohttpd's threads and must
/// not block; slow work goes through `.async`.
public protocol HTTPHandler: Sendable {
    /// Decides from the head alone whether to read the body, and how much of it.
    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision
    /// Answers a complete request.
    func handle(_ request: HTTPRequest) -> HTTPHandlerResult
}
