import Foundation
import HookEntraAuth
import HookRetry
import HookConfig
import HookHTTPClient
import HookJSON
import HookLedger

/// The Office 365 Management Activity API for one tenant (reference §3, §6): subscriptions, content
/// listings that follow every page, notification history and streaming blob GETs.
///
/// Every call carries `PublisherIdentifier`, takes one unit of the tenant's ``RequestBudget``, retries
/// transient failures with ``Backoff``, refreshes the token once on a 401, and records the server's clock.
public final class ManagementAPIClient: Sendable {
    /// Where and as whom to call.
    public struct Settings: Sendable {
        /// API root without trailing slash (`api.apiRoot` or the cloud's).
        public var apiRoot: String
        /// The tenant id in the URL.
        public var tenantId: String
        /// The `PublisherIdentifier` query parameter.
        public var publisherId: String
        /// Retry policy for transient failures.
        public var backoff: Backoff
        /// A server-requested wait longer than this is not slept through: the error goes to the caller
        /// (the start throttle asks for up to 15 minutes).
        public var maxServerWait: Duration

        /// Creates settings.
        public init(apiRoot: String, tenantId: String, publisherId: String, backoff: Backoff = Backoff(),
                    maxServerWait: Duration = .seconds(120)) {
            self.apiRoot = apiRoot.hasSuffix("/") ? String(apiRoot.dropLast()) : apiRoot
            self.tenantId = tenantId
            self.publisherId = publisherId
            self.backoff = backoff
            self.maxServerWait = maxServerWait
        }
    }

    /// The settings this client was made with.
    public let settings: Settings
    /// The token provider (shared with anyone else calling as this tenant).
    public let tokens: TokenProvider
    /// The tenant's request budget.
    public let budget: RequestBudget
    /// Microsoft's clock relative to ours.
    public let skew: ClockSkew
    let http: HTTPClient

    /// Creates a client from parts.
    public init(settings: Settings, tokens: TokenProvider, http: HTTPClient, budget: RequestBudget, skew: ClockSkew) {
        self.settings = settings
        self.tokens = tokens
        self.http = http
        self.budget = budget
        self.skew = skew
    }

    /// One client per configured tenant. A process creates these once and hands the same client to every
    /// caller of a tenant (lifecycle, watchdog, and later the poller and workers), so that they share one
    /// request budget (`api.requestsPerMinute`) and one token cache. With `budgetStore` (the ledger) the
    /// budget is shared with every other process on that ledger (docs/request-budget.md).
    public static func makeAll(config: ActivityHookConfig, http: HTTPClient,
                               budgetStore: (any RequestBudgetStore)? = nil) -> [ManagementAPIClient] {
        config.tenants.indices.map { index in
            let budget = budgetStore.map { Self.sharedBudget(config: config, tenantIndex: index, store: $0) }
            return Self.make(config: config, tenantIndex: index, http: http, budget: budget)
        }
    }

    /// The budget of `config.tenants[index]` drawn from `store`: `api.requestsPerMinute` per
    /// `api.requestWindowSeconds`.
    public static func sharedBudget(config: ActivityHookConfig, tenantIndex index: Int,
                                    store: any RequestBudgetStore) -> RequestBudget {
        RequestBudget(perMinute: config.api.requestsPerMinute, window: .seconds(config.api.requestWindowSeconds),
                      store: store, tenantId: config.tenants[index].tenantId)
    }

    /// A client for `config.tenants[index]`, with its own token provider, clock-skew tracker and (unless
    /// given) a budget of `api.requestsPerMinute`.
    public static func make(config: ActivityHookConfig, tenantIndex index: Int, http: HTTPClient,
                            budget: RequestBudget? = nil, backoff: Backoff = Backoff()) -> ManagementAPIClient {
        let budget = budget ?? RequestBudget(perMinute: config.api.requestsPerMinute, window: .seconds(config.api.requestWindowSeconds))
        let tenant = config.tenants[index]
        let skew = ClockSkew()
        let tokens = TokenProvider(settings: .management(config, tenantIndex: index), http: http, skew: skew)
        let settings = Settings(apiRoot: config.api.resolvedAPIRoot, tenantId: tenant.tenantId,
                                publisherId: config.api.publisherIdentifier(for: tenant), backoff: backoff)
        return ManagementAPIClient(settings: settings, tokens: tokens, http: http, budget: budget, skew: skew)
    }

    /// `{root}/api/v1.0/{tenant}/activity/feed/{operation}?{query}&PublisherIdentifier=…`.
    func feedURL(_ operation: String, _ query: [(String, String)] = []) -> String {
        let all = query + [("PublisherIdentifier", self.settings.publisherId)]
        let text = all.map { "\($0.0)=\(formEncode($0.1))" }.joined(separator: "&")
        return "\(self.settings.apiRoot)/api/v1.0/\(self.settings.tenantId)/activity/feed/\(operation)?\(text)"
    }

    /// `url` with `PublisherIdentifier` added unless it already has one (any casing); used for
    /// NextPageUri follow-ups and content URIs, which Microsoft does not always give it.
    package func withPublisher(_ url: String) -> String {
        if url.lowercased().contains("publisheridentifier=") { return url }
        let separator = url.contains("?") ? "&" : "?"
        return url + separator + "PublisherIdentifier=" + formEncode(self.settings.publisherId)
    }

    /// Refuses URLs outside the API root, so a forged listing cannot make us send the token elsewhere.
    package func checkSameOrigin(_ url: String, operation: String) throws {
        guard url.lowercased().hasPrefix(self.settings.apiRoot.lowercased() + "/") else {
            throw ManagementAPIError(status: 0, code: nil, message: "refusing a URL outside the API root: \(url)",
                                     operation: operation, errorClass: .fatal)
        }
    }
}
