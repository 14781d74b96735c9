/// What the server knows about a request once its header has arrived, before any body byte is read.
public struct HTTPRequestHead: Sendable {
    /// The request method as sent, e.g. `POST`.
    public var method: String
    /// The path without the query string, percent-decoding left to the handler.
    public var path: String
    /// Query arguments in order, as libmicrohttpd decoded them.
    public var query: [(name: String, value: String)]
    /// Request header fields (case-insensitive lookup).
    public var headers: HTTPHeaders
    /// The peer address; prints as `1.2.3.4:5678` or `[::1]:5678`.
    public var peer: PeerAddress
    /// Whether the request arrived over TLS.
    public var isTLS: Bool
    /// With mTLS configured: whether the client presented a certificate that verified against the CA.
    public var clientCertificateVerified: Bool

    public init(
        method: String, path: String, query: [(name: String, value: String)] = [], headers: HTTPHeaders = HTTPHeaders(),
        peer: PeerAddress = .unknown, isTLS: Bool = false, clientCertificateVerified: Bool = false
    ) {
        self.method = method
        self.path = path
        self.query = query
        self.headers = headers
        self.peer = peer
        self.isTLS = isTLS
        self.clientCertificateVerified = clientCertificateVerified
    }

    /// The first query value called `name`, or nil.
    public func queryValue(_ name: String) -> String? { self.query.first { $0.name == name }?.value }

    /// The declared `Content-Length`, or nil when absent or not a number.
    public var contentLength: Int? { self.headers["Content-Length"].flatMap { Int($0) } }
}

/// A complete request: the head plus the whole body, which never exceeded the route's cap.
public struct HTTPRequest: Sendable {
    public var head: HTTPRequestHead
    public var body: [UInt8]

    public init(head: HTTPRequestHead, body: [UInt8] = []) {
        self.head = head
        self.body = body
    }

    public var method: String { self.head.method }
    public var path: String { self.head.path }
    public var headers: HTTPHeaders { self.head.headers }
}
