/// One HTTP request for `HTTPClient`.
public struct HTTPClientRequest: Sendable {
    public var method: String
    public var url: String
    public var headers: HTTPHeaders
    public var body: [UInt8]
    /// Send the body with `Transfer-Encoding: chunked` instead of a Content-Length.
    public var chunkedUpload: Bool
    /// Overrides the total deadline of the request's kind.
    public var timeout: Duration?
    /// What the request is for; picks its total deadline (``HTTPClientConfiguration/deadline(for:)``).
    public var kind: Kind

    /// The kinds of request with a deadline of their own.
    public enum Kind: Sendable {
        /// A Management API call (listing, subscriptions): ``HTTPClientConfiguration/timeout``.
        case api
        /// A content blob, usually streamed.
        case blob
        /// A token request to Entra ID.
        case token
        /// A POST to a sink.
        case sink
    }

    public init(
        method: String = "GET", url: String, headers: HTTPHeaders = HTTPHeaders(), body: [UInt8] = [],
        chunkedUpload: Bool = false, timeout: Duration? = nil, kind: Kind = .api
    ) {
        self.method = method
        self.url = url
        self.headers = headers
        self.body = body
        self.chunkedUpload = chunkedUpload
        self.timeout = timeout
        self.kind = kind
    }
}

/// The status line and header fields of a response.
public struct HTTPClientResponseHead: Sendable {
    public var status: Int
    public var headers: HTTPHeaders

    public init(status: Int, headers: HTTPHeaders) {
        self.status = status
        self.headers = headers
    }

    /// The server's clock from the `Date` header (for measuring clock skew), or nil.
    public var date: HTTPDate? { self.headers["Date"].flatMap(HTTPDate.init(imfFixdate:)) }
}

/// A response whose body was collected in memory (never more than the request's cap).
public struct HTTPClientResponse: Sendable {
    public var head: HTTPClientResponseHead
    public var body: [UInt8]

    public var status: Int { self.head.status }
    public var headers: HTTPHeaders { self.head.headers }
    public var date: HTTPDate? { self.head.date }

    public init(head: HTTPClientResponseHead, body: [UInt8]) {
        self.head = head
        self.body = body
    }
}
