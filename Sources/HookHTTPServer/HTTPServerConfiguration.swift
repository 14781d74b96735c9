/// Settings for `HTTPServer`; a plain value type with defaults fit for the receiver.
public struct HTTPServerConfiguration: Sendable {
    /// An IPv4 or IPv6 literal to bind, e.g. `127.0.0.1` or `::1`.
    public var host: String
    /// The port; 0 binds any free port (read it back from `HTTPServer.port`).
    public var port: UInt16
    /// Worker threads of libmicrohttpd's internal epoll pool.
    public var threads: Int
    /// At most this many connections at once; more are refused by libmicrohttpd.
    public var connectionLimit: Int
    /// Idle or slow connections are closed after this many seconds without a byte (libmicrohttpd's timeout).
    public var connectionTimeoutSeconds: Int
    /// At most this many connections at once from one IP address; 0 for no such limit.
    public var perIPConnectionLimit: Int
    /// A request's headers must be complete this long after the connection opened, however steadily they
    /// trickle in (see `ConnectionDeadlines`); nil for no deadline.
    public var headerTimeout: Duration?
    /// A request's body must be complete this long after its headers; nil for no deadline.
    public var bodyTimeout: Duration?
    /// HTTPS settings; nil serves plain HTTP.
    public var tls: TLS?
    /// How long a graceful stop waits for in-flight requests before closing connections anyway.
    public var shutdownGraceSeconds: Double

    /// PEM material for HTTPS (contents, not paths).
    public struct TLS: Sendable {
        public var certificatePEM: String
        public var privateKeyPEM: String
        /// When set, clients are asked for a certificate that must verify against this CA;
        /// requests without one are answered 403 before their body is read.
        public var clientCAPEM: String?
        /// With a client CA: the name the client certificate must carry (its subjectAltName DNS names, or its
        /// CN without them; wildcards as RFC 6125), checked by GnuTLS beside the chain. nil checks the chain only.
        public var clientName: String?

        public init(certificatePEM: String, privateKeyPEM: String, clientCAPEM: String? = nil, clientName: String? = nil) {
            self.certificatePEM = certificatePEM
            self.privateKeyPEM = privateKeyPEM
            self.clientCAPEM = clientCAPEM
            self.clientName = clientName
        }
    }

    /// A listening socket to serve on instead of binding `host:port` (inherited across a reload's exec).
    public var listenFD: Int32?

    public init(
        host: String = "127.0.0.1", port: UInt16 = 0, threads: Int = 2, connectionLimit: Int = 256,
        connectionTimeoutSeconds: Int = 30, tls: TLS? = nil, shutdownGraceSeconds: Double = 10,
        perIPConnectionLimit: Int = 64, headerTimeout: Duration? = .seconds(10), bodyTimeout: Duration? = .seconds(60)
    ) {
        self.perIPConnectionLimit = perIPConnectionLimit
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.host = host
        self.port = port
        self.threads = threads
        self.connectionLimit = connectionLimit
        self.connectionTimeoutSeconds = connectionTimeoutSeconds
        self.tls = tls
        self.shutdownGraceSeconds = shutdownGraceSeconds
    }
}
