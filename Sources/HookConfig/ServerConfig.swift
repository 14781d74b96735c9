/// The webhook receiver (`server:`).
public struct ServerConfig: Sendable {
    /// Address the webhook listens on (`server.listen`, default `127.0.0.1:8787`).
    public var listen: ListenAddress
    /// URL path the webhook is served at (`server.path`, default `/activity-webhook`).
    public var path: String
    /// The public HTTPS URL Microsoft posts notifications to (`server.publicUrl`, required); it is the
    /// `webhook.address` of every subscription. `http://` is accepted with a warning (tests only).
    public var publicURL: String
    /// Value Microsoft echoes in `Webhook-AuthID`; notifications without it are rejected (`server.authId`, required).
    public var authId: Secret
    /// Largest accepted request body (`server.maxBodyBytes`, default 1 MiB).
    public var maxBodyBytes: Int
    /// TLS for the listener (`server.tls`); nil serves plain HTTP (e.g. behind a reverse proxy).
    public var tls: TLSConfig?
    /// Most simultaneous connections (`server.connectionLimit`, default 256).
    public var connectionLimit: Int
    /// Idle connections are closed after this (`server.connectionTimeout`, default 30s).
    public var connectionTimeout: Duration
    /// Listener threads (`server.threads`, default 2).
    public var threads: Int
    /// Most simultaneous connections from one IP address (`server.perIPConnectionLimit`). Default: 64 with
    /// ``tls`` (the listener faces the internet), else ``connectionLimit`` (behind a reverse proxy every
    /// connection comes from the proxy's one address, and the proxy buffers slow clients itself).
    public var perIPConnectionLimit: Int
    /// A request's headers must be complete within this from its first byte (`server.headerTimeout`, default
    /// 10s), however steadily they trickle in; ``connectionTimeout`` restarts with each byte, this does not.
    public var headerTimeout: Duration
    /// A request's body must be complete within this once its headers are (`server.bodyTimeout`, default 60s).
    public var bodyTimeout: Duration
    /// When set, `/healthz` and `/metrics` are served here instead of on ``listen`` (`server.adminListen`).
    public var adminListen: ListenAddress?
    /// Whether `/healthz` and `/metrics` are served on ``listen`` when ``adminListen`` is not set
    /// (`server.adminOnPublicListener`); default true for plain HTTP (behind a proxy), false with ``tls``.
    public var adminOnPublicListener: Bool
    /// Whether `/healthz` is served (`server.healthz`, default true).
    public var healthz: Bool
    /// Whether `/metrics` (Prometheus text format) is served (`server.metrics`, default true).
    public var metrics: Bool
    /// How long a registered webhook stays valid (`server.webhookExpiration`); nil registers no expiry.
    /// The watchdog renews it before it passes.
    public var webhookExpiration: Duration?

    /// Creates the section; everything but the public URL and the auth id has a default.
    public init(
        listen: ListenAddress = ListenAddress(host: "127.0.0.1", port: 8787),
        path: String = "/activity-webhook",
        publicURL: String,
        authId: Secret,
        maxBodyBytes: Int = 1_048_576,
        tls: TLSConfig? = nil,
        connectionLimit: Int = 256,
        connectionTimeout: Duration = .seconds(30),
        threads: Int = 2,
        perIPConnectionLimit: Int? = nil,
        headerTimeout: Duration = .seconds(10),
        bodyTimeout: Duration = .seconds(60),
        adminListen: ListenAddress? = nil,
        adminOnPublicListener: Bool? = nil,
        healthz: Bool = true,
        metrics: Bool = true,
        webhookExpiration: Duration? = nil
    ) {
        self.listen = listen
        self.path = path
        self.publicURL = publicURL
        self.authId = authId
        self.maxBodyBytes = maxBodyBytes
        self.tls = tls
        self.connectionLimit = connectionLimit
        self.connectionTimeout = connectionTimeout
        self.threads = threads
        self.perIPConnectionLimit = perIPConnectionLimit ?? (tls == nil ? connectionLimit : Self.defaultPerIPLimitWithTLS)
        self.headerTimeout = headerTimeout
        self.bodyTimeout = bodyTimeout
        self.adminListen = adminListen
        self.adminOnPublicListener = adminOnPublicListener ?? (tls == nil)
        self.healthz = healthz
        self.metrics = metrics
        self.webhookExpiration = webhookExpiration
    }
}

extension ServerConfig {
    /// `server.perIPConnectionLimit` when the service terminates TLS itself and the key is not set.
    public static let defaultPerIPLimitWithTLS = 64
}

/// TLS settings of the listener (`server.tls`). All paths are absolute PEM files.
public struct TLSConfig: Sendable {
    /// Server certificate chain (`server.tls.certificate`).
    public var certificate: String
    /// Private key of the certificate (`server.tls.privateKey`).
    public var privateKey: String
    /// When set, clients must present a certificate issued by this CA (`server.tls.clientCA`, mTLS).
    public var clientCA: String?
    /// With `clientCA`, the name the client certificate must carry (`server.tls.clientName`): Microsoft's
    /// webhook client presents a certificate for the cloud's API host. nil uses that host (``Cloud/apiHost``,
    /// `manage.office.com` for the commercial cloud); `"*"` checks the chain only. docs/mtls.md.
    public var clientName: String?

    /// Creates the section.
    public init(certificate: String, privateKey: String, clientCA: String? = nil, clientName: String? = nil) {
        self.certificate = certificate
        self.privateKey = privateKey
        self.clientCA = clientCA
        self.clientName = clientName
    }

    /// The name to pin, for a tenant in `cloud`: nil when only the chain is checked.
    public func pinnedClientName(cloud: Cloud) -> String? {
        guard self.clientCA != nil else { return nil }
        if self.clientName == "*" { return nil }
        return self.clientName ?? cloud.apiHost
    }
}
