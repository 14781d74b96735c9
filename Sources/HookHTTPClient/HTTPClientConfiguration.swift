/// Settings shared by every transfer of one `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    /// Transfers handed to libcurl at once; further requests wait in the client's own queue, so that
    /// their timeouts do not run while they sit in curl's queue (c-interop-notes.md, pitfall 5).
    public var maxConcurrentTransfers: Int
    /// Requests allowed to wait for a transfer slot; beyond this `execute` fails fast with `.overloaded`.
    public var maxQueuedRequests: Int
    /// Time allowed to establish a connection (TCP and TLS).
    public var connectTimeout: Duration
    /// Default limit for a whole transfer; a request may override it.
    public var timeout: Duration
    /// A PEM file of extra trusted CAs, added to the system bundle (tests pointing at their own CA).
    public var extraCAFile: String?
    /// A PEM client certificate and key to present (mutual TLS).
    public var clientCertificateFile: String?
    public var clientKeyFile: String?
    /// `User-Agent` sent with every request.
    public var userAgent: String
    /// The proxy every transfer goes through (curl's `CURLOPT_PROXY` syntax); nil leaves curl's own
    /// default, the `https_proxy`/`http_proxy` environment variables. Its CONNECT answer is never taken
    /// for the response (`CURLOPT_SUPPRESS_CONNECT_HEADERS`).
    public var proxy: String?
    /// Hosts reached without the proxy (`CURLOPT_NOPROXY`); nil leaves curl's default, `NO_PROXY`.
    public var noProxy: String?

    public init(
        maxConcurrentTransfers: Int = 16, maxQueuedRequests: Int = 10_000,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(120),
        extraCAFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil,
        userAgent: String = "ActivityHook/0.1"
    ) {
        self.maxConcurrentTransfers = maxConcurrentTransfers
        self.maxQueuedRequests = maxQueuedRequests
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.extraCAFile = extraCAFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.userAgent = userAgent
        self.proxy = nil
        self.noProxy = nil
    }
}

extension Duration {
    /// Whole milliseconds, at least 1, for curl's `_MS` options.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
