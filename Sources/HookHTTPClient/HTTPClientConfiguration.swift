/// Settings shared by every transfer of one `HTTPClient`.
public struct HTTPClientConfiguration: Sendable {
    /// Transfers handed to libcurl at once; further requests wait in the client's own queue, so that
    /// their timeouts do not run while they sit in curl's queue (docs/c-interop.md).
    public var maxConcurrentTransfers: Int
    /// Requests allowed to wait for a transfer slot; beyond this `execute` fails fast with `.overloaded`.
    public var maxQueuedRequests: Int
    /// Time allowed to establish a connection (TCP and TLS).
    public var connectTimeout: Duration
    /// Default limit for a whole transfer of kind `.api`; a request may override it.
    public var timeout: Duration
    /// The total deadline per request kind (see ``Deadlines``); `.api` uses ``timeout``.
    public var deadlines: Deadlines
    /// A transfer slower than `lowSpeedBytes` per second for `lowSpeedTime` fails with `.timeout`
    /// (CURLOPT_LOW_SPEED_LIMIT/TIME): a server that stops sending mid-body, or a half-open
    /// connection, is given up instead of pinning its caller. See docs/stalled-transfers.md.
    public var lowSpeedBytes: Int
    public var lowSpeedTime: Duration
    /// TCP keepalive on every connection (CURLOPT_TCP_KEEPIDLE/KEEPINTVL); also the basis of
    /// TCP_USER_TIMEOUT, so unacknowledged data fails a dead peer's connection.
    public var keepAliveIdle: Duration
    public var keepAliveInterval: Duration
    /// An explicit proxy URL (CURLOPT_PROXY), e.g. `http://proxy:3128`; nil leaves libcurl's own
    /// environment handling (`https_proxy`, `no_proxy`) in place.
    public var proxy: String?
    /// Hosts reached without the proxy (CURLOPT_NOPROXY, comma-separated, `*` for all).
    public var noProxy: String?
    /// A PEM file of extra trusted CAs, added to the system bundle (tests pointing at their own CA).
    public var extraCAFile: String?
    /// A PEM client certificate and key to present (mutual TLS).
    public var clientCertificateFile: String?
    public var clientKeyFile: String?
    /// `User-Agent` sent with every request.
    public var userAgent: String
    /// The HTTP version offered over TLS (docs/tls-performance.md): HTTP/2 by ALPN where the server
    /// offers it (this library's default), or HTTP/1.1 only. Plain http is always HTTP/1.1. serve's
    /// outbound clients use `api.httpVersion`, HTTP/1.1 unless configured.
    public var httpVersion: HTTPVersion = .http2

    /// The HTTP version a client offers over TLS.
    public enum HTTPVersion: String, Sendable, CaseIterable {
        case http1_1 = "1.1"
        case http2 = "2"
    }

    public init(
        maxConcurrentTransfers: Int = 16, maxQueuedRequests: Int = 10_000,
        connectTimeout: Duration = .seconds(10), timeout: Duration = .seconds(120),
        extraCAFile: String? = nil, clientCertificateFile: String? = nil, clientKeyFile: String? = nil,
        userAgent: String = "ActivityHook/0.1", deadlines: Deadlines = Deadlines(),
        lowSpeedBytes: Int = HTTPClientConfiguration.defaultLowSpeedBytes,
        lowSpeedTime: Duration = HTTPClientConfiguration.defaultLowSpeedTime,
        keepAliveIdle: Duration = .seconds(30), keepAliveInterval: Duration = .seconds(10),
        proxy: String? = nil, noProxy: String? = nil
    ) {
        self.maxConcurrentTransfers = maxConcurrentTransfers
        self.maxQueuedRequests = maxQueuedRequests
        self.connectTimeout = connectTimeout
        self.timeout = timeout
        self.extraCAFile = extraCAFile
        self.clientCertificateFile = clientCertificateFile
        self.clientKeyFile = clientKeyFile
        self.userAgent = userAgent
        self.deadlines = deadlines
        self.lowSpeedBytes = max(1, lowSpeedBytes)
        self.lowSpeedTime = lowSpeedTime
        self.keepAliveIdle = keepAliveIdle
        self.keepAliveInterval = keepAliveInterval
        self.proxy = proxy
        self.noProxy = noProxy
    }

    /// Below 1 byte/s for 60 s: nothing at all arrived for a minute.
    public static let defaultLowSpeedBytes = 1
    public static let defaultLowSpeedTime = Duration.seconds(60)

    /// The total deadline of one request, by kind. A streamed blob's deadline also covers the time its
    /// transfer is paused by a slow consumer, so it is generous; the low-speed limit catches a stall.
    public struct Deadlines: Sendable {
        public var blob: Duration
        public var token: Duration
        public var sink: Duration

        public init(blob: Duration = .seconds(1_800), token: Duration = .seconds(30), sink: Duration = .seconds(120)) {
            self.blob = blob
            self.token = token
            self.sink = sink
        }
    }

    /// The total deadline for a request of `kind`.
    public func deadline(for kind: HTTPClientRequest.Kind) -> Duration {
        switch kind {
        case .api: self.timeout
        case .blob: self.deadlines.blob
        case .token: self.deadlines.token
        case .sink: self.deadlines.sink
        }
    }
}

extension Duration {
    /// Whole milliseconds, at least 1, for curl's `_MS` options.
    var curlMilliseconds: Int {
        let (seconds, attoseconds) = self.components
        return max(1, Int(seconds) * 1000 + Int(attoseconds / 1_000_000_000_000_000))
    }
}
