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
    /// The proxy for every outbound call: API, login and sinks (`api.proxy`), e.g. `http://proxy:3128`;
    /// nil leaves curl's `https_proxy` environment variable in charge. A secret (it may carry credentials).
    public var proxy: Secret?
    /// Hosts reached without the proxy (`api.noProxy`, curl's syntax); nil uses `NO_PROXY`/`no_proxy`.
    public var noProxy: String?

    /// Creates the section with the documented defaults.
    public init(
        cloud: Cloud = .enterprise,
        publisherId: String? = nil,
        apiRoot: String? = nil,
        loginURL: String? = nil,
        caFile: String? = nil,
        tokenEndpoint: TokenEndpoint = .v2,
        requestsPerMinute: Int = 2000,
        proxy: Secret? = nil,
        noProxy: String? = nil
    ) {
        self.cloud = cloud
        self.publisherId = publisherId
        self.apiRoot = apiRoot
        self.loginURL = loginURL
        self.caFile = caFile
        self.tokenEndpoint = tokenEndpoint
        self.requestsPerMinute = requestsPerMinute
        self.proxy = proxy
        self.noProxy = noProxy
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
