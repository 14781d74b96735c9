/// The Office 365 Management Activity API (`api:`).
public struct APIConfig: Sendable {
    /// The cloud; fixes the API root and login host (`api.cloud`, default `enterprise`).
    public var cloud: Cloud
    /// `PublisherIdentifier` sent on every call, a GUID (`api.publisherId`); nil means each tenant's own id.
    public var publisherId: String?
    /// Override of the API root, e.g. a simulator (`api.apiRoot`); nil uses ``Cloud/apiRoot``.
    public var apiRoot: String?
    /// Override of the login host (`api.loginUrl`); nil uses ``Cloud/loginHost``.
    public var loginURL: String?
    /// Extra CA bundle (PEM) to trust for API and login calls, absolute path (`api.caFile`).
    public var caFile: String?
    /// Token endpoint flavour (`api.tokenEndpoint`, default `v2`).
    public var tokenEndpoint: TokenEndpoint
    /// Requests per minute per tenant, shared by every caller of the API (`api.requestsPerMinute`,
    /// default 2000, Microsoft's baseline; raise it only after Microsoft raised your tenant's limit).
    public var requestsPerMinute: Int
    /// The outbound proxy for every API, login and sink call (`api.proxy`), e.g. `http://proxy.corp:3128`;
    /// nil uses the `https_proxy`/`HTTPS_PROXY` environment variables, as curl does. A secret: it may
    /// carry credentials.
    public var proxy: Secret?
    /// Hosts reached without the proxy (`api.noProxy`, curl's syntax: comma-separated names, `.domain`,
    /// `*`); nil uses `NO_PROXY`/`no_proxy` from the environment.
    public var noProxy: String?
    /// Allows `http://` API, login and proxy-with-credentials URLs to non-loopback hosts
    /// (`api.allowInsecureHTTP`, default false): secrets would cross the network in clear.
    public var allowInsecureHTTP: Bool = false
    /// The HTTP version offered over TLS (`api.httpVersion`): `"1.1"` by default, or `"2"`. HTTP/1.1 on one
    /// connection per transfer forwarded as fast as plain HTTP; HTTP/2 cost 14% more CPU in libcurl 7.88
    /// (docs/tls-performance.md).
    public var httpVersion: HTTPVersion = .http1_1
    /// The length of the budget's "minute" in seconds (`api.requestWindowSeconds`, default 60). Only tests
    /// shorten it, to see many budget windows quickly; Microsoft counts per 60 seconds.
    public var requestWindowSeconds: Int

    /// Creates the section with the documented defaults.
    public init(
        cloud: Cloud = .enterprise,
        publisherId: String? = nil,
        apiRoot: String? = nil,
        loginURL: String? = nil,
        caFile: String? = nil,
        tokenEndpoint: TokenEndpoint = .v2,
        requestsPerMinute: Int = 2000,
        requestWindowSeconds: Int = 60
    ) {
        self.cloud = cloud
        self.publisherId = publisherId
        self.apiRoot = apiRoot
        self.loginURL = loginURL
        self.caFile = caFile
        self.tokenEndpoint = tokenEndpoint
        self.requestsPerMinute = requestsPerMinute
        self.proxy = nil
        self.noProxy = nil
        self.requestWindowSeconds = requestWindowSeconds
    }

    /// The API root requests go to: the override if set, else the cloud's root. No trailing slash.
    public var resolvedAPIRoot: String { self.apiRoot ?? self.cloud.apiRoot }

    /// The login host tokens come from: the override if set, else the cloud's host. No trailing slash.
    public var resolvedLoginURL: String { self.loginURL ?? self.cloud.loginHost }

    /// The token audience: always the cloud's API root, even when ``apiRoot`` points at a simulator,
    /// because that is what Entra ID issues tokens for (v1 `resource`; v2 scope = this + `/.default`).
    public var tokenResource: String { self.cloud.apiRoot }

    /// The `PublisherIdentifier` to send for `tenant`: ``publisherId`` if set, else the tenant's own id.
    public func publisherIdentifier(for tenant: TenantConfig) -> String {
        self.publisherId ?? tenant.tenantId
    }
}

/// The HTTP version offered to HTTPS hosts (`api.httpVersion`).
public enum HTTPVersion: String, Sendable, CaseIterable {
    case http1_1 = "1.1"
    case http2 = "2"
}
