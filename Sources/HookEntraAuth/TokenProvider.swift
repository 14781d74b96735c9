import Foundation
import HookConfig
import HookHTTPClient

/// An access token and when to replace it.
public struct AccessToken: Sendable {
    /// The bearer token.
    public let value: String
    /// When Entra says it expires (local clock).
    public let expiresAt: Date
    /// When the provider refreshes it: 5 minutes before expiry or 45 minutes after issue, whichever is first.
    public let refreshAt: Date
}

/// Entra ID client-credentials tokens for one app in one tenant and one resource, cached, refreshed ahead
/// of expiry and single-flight: concurrent callers share one request (reference §1).
///
/// Generic over the resource: the Management API uses `{apiRoot}` (v2 scope `{apiRoot}/.default`), the
/// Logs Ingestion sink `https://monitor.azure.com`.
public actor TokenProvider {
    /// What to ask Entra ID for and how to prove who we are.
    public struct Settings: Sendable {
        /// The tenant id (the token URL's path segment).
        public var tenantId: String
        /// The app's client id.
        public var clientId: String
        /// A client secret, or a certificate for a signed client assertion.
        public var credential: TenantCredential
        /// The login host, e.g. `https://login.microsoftonline.com` (no trailing slash).
        public var loginURL: String
        /// `v2` (scope) or `v1` (resource).
        public var endpoint: TokenEndpoint
        /// The resource, e.g. `https://manage.office.com`; v2 asks for `{resource}/.default`.
        public var resource: String
        /// How errors name the tenant's config section, e.g. `tenants[0]`.
        public var tenantKey: String

        /// Creates settings.
        public init(tenantId: String, clientId: String, credential: TenantCredential, loginURL: String,
                    endpoint: TokenEndpoint = .v2, resource: String, tenantKey: String = "tenants[i]") {
            self.tenantId = tenantId
            self.clientId = clientId
            self.credential = credential
            self.loginURL = loginURL.hasSuffix("/") ? String(loginURL.dropLast()) : loginURL
            self.endpoint = endpoint
            self.resource = resource
            self.tenantKey = tenantKey
        }

        /// The Management API token for `tenants[index]` of `config`.
        public static func management(_ config: ActivityHookConfig, tenantIndex index: Int) -> Settings {
            let tenant = config.tenants[index]
            return Settings(tenantId: tenant.tenantId, clientId: tenant.clientId, credential: tenant.credential,
                            loginURL: config.api.resolvedLoginURL, endpoint: config.api.tokenEndpoint,
                            resource: config.api.tokenResource, tenantKey: "tenants[\(index)]")
        }

        /// The token URL for this endpoint flavour.
        public var tokenURL: String {
            switch self.endpoint {
            case .v2: "\(self.loginURL)/\(self.tenantId)/oauth2/v2.0/token"
            case .v1: "\(self.loginURL)/\(self.tenantId)/oauth2/token"
            }
        }
    }

    /// The settings this provider was made with.
    public nonisolated let settings: Settings
    private let http: HTTPClient
    private let skew: ClockSkew
    private let clock: @Sendable () -> Date
    private var cached: AccessToken?
    private var inFlight: Task<AccessToken, any Error>?
    /// How many tokens were fetched from Entra (tests, metrics).
    public private(set) var fetchCount = 0

    /// Creates a provider. `skew` is shared with the API client so assertions use Microsoft's time.
    public init(settings: Settings, http: HTTPClient, skew: ClockSkew = ClockSkew(),
                clock: @escaping @Sendable () -> Date = { Date() }) {
        self.settings = settings
        self.http = http
        self.skew = skew
        self.clock = clock
    }

    /// A valid token: the cached one until its refresh time, else a fresh one (one request for all callers).
    public func token() async throws -> AccessToken {
        if let cached, self.clock() < cached.refreshAt { return cached }
        return try await self.refresh()
    }

    /// Forces a new token unless the cached one is already newer than `rejected` (the token a 401 refused):
    /// many requests failing with the same stale token cause one refresh, not many.
    public func refresh(replacing rejected: String? = nil) async throws -> AccessToken {
        if let rejected, let cached, cached.value != rejected, self.clock() < cached.refreshAt { return cached }
        if let inFlight { return try await inFlight.value }
        let task = Task { try await self.fetch() }
        self.inFlight = task
        defer { self.inFlight = nil }
        let token = try await task.value
        self.cached = token
        return token
    }

    private func fetch() async throws -> AccessToken {
        self.fetchCount += 1
        do {
            return try await self.request()
        } catch let error as TokenError where error.aadstsCode == 700_024 {
            // The assertion's time range was refused: the response's Date header has just updated the skew,
            // so one more assertion in Microsoft's time should pass.
            return try await self.request()
        }
    }

    private func request() async throws -> AccessToken {
        let started = self.clock()
        let form = try TokenForm.body(self.settings, serverNow: self.skew.serverNow())
        let request = HTTPClientRequest(method: "POST", url: self.settings.tokenURL,
                                        headers: ["Content-Type": "application/x-www-form-urlencoded", "Accept": "application/json"],
                                        body: Array(form.utf8), kind: .token)
        let response: HTTPClientResponse
        do {
            response = try await self.http.execute(request, maxBodyBytes: 1 << 20)
        } catch {
            throw TokenError(aadstsCode: nil, error: "transport", message: "\(error)", status: 0, tenantKey: self.settings.tenantKey)
        }
        self.skew.observe(response.date)
        guard response.status == 200 else {
            throw TokenError(status: response.status, body: response.body, tenantKey: self.settings.tenantKey)
        }
        return try TokenForm.parse(response.body, obtainedAt: started, tenantKey: self.settings.tenantKey)
    }
}
