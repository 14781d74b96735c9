import Foundation
import HookHTTPServer

/// The Management Activity API under `/api/v1.0/{tenant}/activity/feed/` (and `/api/v1/…`, the
/// path of Microsoft's own `NextPageUri` example, §6.1).
///
/// Every call passes the same gate, in this order: tenant GUID (AF20013), bearer token (401),
/// `tid` against the URL (AF20010), `ActivityFeed.Read` (AF10001), the tenant budget (AF429).
struct ManagementRoutes: Sendable {
    let state: SimulatorState
    let tokens: AccessTokens
    let throttle: Throttle
    let validation: WebhookValidation
    let delivery: NotificationDelivery

    /// An authenticated call: the URL tenant and the token's claims.
    struct Caller {
        var tenant: String
        var claims: AccessClaims
        var publisher: String?
    }

    /// Routes `rest` (the path after `activity/feed/`) for `tenant`.
    func handle(tenant rawTenant: String, rest: [Substring], request: HTTPRequest) -> HTTPHandlerResult {
        let operation = Self.operation(rest)
        switch self.gate(tenant: rawTenant, operation: operation, request: request) {
        case .failure(let error):
            return .response(error.response)
        case .success(let caller):
            do {
                switch (request.method, operation) {
                case ("POST", "start"): return try self.start(caller, request)
                case ("POST", "stop"): return .response(try self.stop(caller, request))
                case ("GET", "list"): return .response(self.list(caller))
                case ("GET", "content"): return .response(try self.content(caller, request))
                case ("GET", "notifications"): return .response(try self.notifications(caller, request))
                case ("GET", "blob"): return .response(try self.blob(caller, contentId: String(rest[1])))
                case ("GET", "dlpSensitiveTypes"): return .response(Self.sensitiveTypes)
                default:
                    return .response(APIError(status: 404, code: "AF20000", message: "The requested resource was not found.").response)
                }
            } catch let error as APIError {
                return .response(error.response)
            } catch {
                return .response(APIError.internalError.response)
            }
        }
    }

    /// The operation name of a path after `activity/feed/`, also used by faults and AF429.
    static func operation(_ rest: [Substring]) -> String {
        if rest.count == 2 && rest[0] == "subscriptions" { return String(rest[1]) }
        if rest.count == 2 && rest[0] == "audit" { return "blob" }
        if rest.count == 2 && rest[0] == "resources" { return String(rest[1]) }
        return "unknown"
    }

    private func gate(tenant rawTenant: String, operation: String, request: HTTPRequest) -> Result<Caller, APIError> {
        let tenant = rawTenant.lowercased()
        guard UUID(uuidString: tenant) != nil else { return .failure(.tenantNotGUID) }
        let now = self.state.clock.now
        guard let claims = BearerCheck.claims(authorization: request.headers["Authorization"], tokens: self.tokens, now: now,
                                              audiences: TokenEndpoint.managementResources)
        else { return .failure(.unauthorized) }
        guard claims.tenant == tenant else { return .failure(.tenantMismatch(url: tenant, token: claims.tenant)) }
        guard claims.roles.contains("ActivityFeed.Read") || claims.roles.contains("ActivityFeed.ReadDlp") else {
            return .failure(.permission(claims.roles, expected: "ActivityFeed.Read"))
        }
        let publisher = request.head.queryValue("PublisherIdentifier") ?? request.head.queryValue("publisherIdentifier")
        let (budget, window, status, known, requirePublisher) = self.state.withStore { store in
            (store.settings.tenantBudgetPerMinute, store.settings.throttleWindowSeconds, store.settings.throttleStatus,
             store.tenants[tenant] != nil, store.settings.requirePublisherIdentifier)
        }
        guard known else { return .failure(.tenantMissing(tenant)) }
        if requirePublisher, publisher?.isEmpty ?? true {
            self.state.withStore { $0.counters.missingPublisher += 1 }
            return .failure(.publisherRequired(operation))
        }
        let admission = self.throttle.admit(tenant: tenant, publisher: publisher, budget: budget, windowSeconds: window)
        self.state.withStore { $0.counters.busiestBudgetWindow = max($0.counters.busiestBudgetWindow, admission.count) }
        guard admission.admitted else {
            self.state.withStore { $0.counters.throttled += 1 }
            return .failure(.throttled(status: status, method: Throttle.methodName(operation), publisher: publisher))
        }
        return .success(Caller(tenant: tenant, claims: claims, publisher: publisher))
    }

    /// The `contentType` parameter, checked for presence, validity and the DLP permission.
    func contentType(_ caller: Caller, _ request: HTTPRequest) throws -> (SimContentType, String) {
        guard let raw = request.head.queryValue("contentType") else { throw APIError.missingParameter("contentType") }
        guard let type = SimContentType(caseInsensitive: raw) else { throw APIError.invalidContentType }
        try Self.checkDLP(type, caller)
        return (type, raw)
    }

    /// DLP.All needs `ActivityFeed.ReadDlp` (§1.1: the AF10001 text, with the roles the token carries).
    static func checkDLP(_ type: SimContentType, _ caller: Caller) throws {
        if type == .dlp && !caller.claims.roles.contains("ActivityFeed.ReadDlp") {
            throw APIError.permission(caller.claims.roles, expected: "ActivityFeed.ReadDlp")
        }
    }

    /// A subscription that must exist (AF20022) and be enabled (AF20023).
    func enabledSubscription(_ key: SubscriptionKey) throws -> Subscription {
        guard let subscription = self.state.withStore({ $0.subscriptions[key] }) else { throw APIError.noSubscription }
        guard subscription.status == .enabled else { throw APIError.subscriptionDisabled }
        return subscription
    }

    private func blob(_ caller: Caller, contentId raw: String) throws -> HTTPResponse {
        let contentId = raw.removingPercentEncoding ?? raw
        guard !contentId.isEmpty, contentId.utf8.allSatisfy({ Self.contentIdBytes.contains($0) }) else {
            throw APIError.contentIdInvalid(contentId)
        }
        guard let blob = self.state.blob(contentId), blob.listing.tenant == caller.tenant else { throw APIError.contentMissing(contentId) }
        try Self.checkDLP(blob.listing.contentType, caller)
        _ = try self.enabledSubscription(SubscriptionKey(tenant: caller.tenant, contentType: blob.listing.contentType))
        guard blob.listing.expiration > self.state.clock.now else { throw APIError.contentExpired(contentId) }
        self.state.withStore { $0.counters.blobsServed += 1 }
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json; charset=utf-8"], body: blob.body)
    }

    private static let contentIdBytes = Set(Array("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789$_-.".utf8))

    private static let sensitiveTypes = HTTPResponse(
        status: 200, headers: ["Content-Type": "application/json; charset=utf-8"],
        body: Array(#"[{"id":"50842eb7-edc8-4019-85dd-5a5c1f2bb085","name":"Credit Card Number"},{"id":"a44669fe-0d48-453d-a9b1-2cc83f2cba77","name":"U.S. Social Security Number (SSN)"}]"#.utf8))
}
