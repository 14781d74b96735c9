import Foundation
import HookEntraAuth
import HookRetry
import HookJSON

/// What `register` (and the watchdog) did for one tenant × content type.
public struct RegistrationResult: Sendable {
    /// The action taken.
    public enum Action: String, Sendable {
        /// Already enabled with our webhook: nothing sent.
        case none
        /// `/start` created, re-enabled or updated the subscription.
        case started
        /// `/start` answered AF20024 (already enabled, no property change).
        case alreadyEnabled = "already-enabled"
        /// A start was needed but the start guard holds it back until ``RegistrationResult/retryAt``.
        case deferred
        /// The call failed; see ``RegistrationResult/error``.
        case failed
    }

    /// The tenant id.
    public var tenantId: String
    /// The content type.
    public var contentType: String
    /// Subscription status after the action (`enabled`, `disabled`, `missing`, or `?` when unknown).
    public var subscriptionStatus: String
    /// Webhook status after the action (`enabled`, `disabled`, `expired`, `none`, `foreign`, or `?`).
    public var webhookStatus: String
    /// What was done.
    public var action: Action
    /// When a deferred start becomes allowed.
    public var retryAt: Date?
    /// The failure, for ``Action/failed``.
    public var error: (any Error)?

    /// Creates a result.
    public init(tenantId: String, contentType: String, subscriptionStatus: String, webhookStatus: String,
                action: Action, retryAt: Date? = nil, error: (any Error)? = nil) {
        self.tenantId = tenantId
        self.contentType = contentType
        self.subscriptionStatus = subscriptionStatus
        self.webhookStatus = webhookStatus
        self.action = action
        self.retryAt = retryAt
        self.error = error
    }

    /// True when the subscription is (now) enabled with our webhook.
    public var isSuccess: Bool { [.none, .started, .alreadyEnabled].contains(self.action) }
}

/// Makes sure a subscription is enabled with our webhook, calling `/start` only when needed and only when
/// the start guard allows. Shared by `activityhook register` and the `serve` watchdog.
public struct SubscriptionRegistrar: Sendable {
    /// The webhook Microsoft should call (`server.publicUrl`, `server.authId`).
    public let webhook: WebhookInfo
    /// The start guard.
    public let guardian: StartGuard

    /// A webhook of ours that expires sooner than this is renewed (re-registered without an expiration).
    public let renewWithin: Duration

    /// How long a registration stays valid (`server.webhookExpiration`); nil registers no expiry.
    public let webhookLifetime: Duration?

    /// Creates a registrar.
    public init(webhook: WebhookInfo, guard startGuard: StartGuard, renewWithin: Duration = .seconds(3600),
                webhookLifetime: Duration? = nil) {
        self.webhook = webhook
        self.guardian = startGuard
        self.renewWithin = renewWithin
        self.webhookLifetime = webhookLifetime
    }

    /// The webhook body for `/start`: with a lifetime, its expiration is that far past Microsoft's now.
    func registration(serverNow: Date) -> WebhookInfo {
        guard let lifetime = self.webhookLifetime else { return self.webhook }
        var hook = self.webhook
        hook.expiration = Timestamp.format(serverNow.addingTimeInterval(Backoff.seconds(lifetime)))
        return hook
    }

    /// Ensures `contentType` of `client`'s tenant; `current` is what `/list` said (nil: absent).
    /// With `force`, `/start` is called even when the listing looks right (Microsoft then answers AF20024).
    /// The guard measures elapsed time on this machine's clock (not Microsoft's, whose estimate can move).
    public func ensure(_ contentType: String, current: Subscription?, client: ManagementAPIClient,
                       force: Bool = false, now: @Sendable () -> Date = { Date() }) async -> RegistrationResult {
        let tenant = client.settings.tenantId
        var result = RegistrationResult(tenantId: tenant, contentType: contentType,
                                        subscriptionStatus: current?.status ?? "missing",
                                        webhookStatus: Self.webhookStatus(current, expected: self.webhook), action: .none)
        if !force, let current, current.isServing(address: self.webhook.address, authId: self.webhook.authId),
           !self.expiresSoon(current.webhook, serverNow: client.skew.serverNow()) {
            return result
        }
        do {
            if let next = try await self.guardian.claim(tenantId: tenant, contentType: contentType, now: now()) {
                result.action = .deferred
                result.retryAt = next
                return result
            }
            switch try await client.start(contentType, webhook: self.registration(serverNow: client.skew.serverNow())) {
            case .started(let subscription):
                result.action = .started
                result.subscriptionStatus = subscription.status.isEmpty ? "enabled" : subscription.status
                result.webhookStatus = Self.webhookStatus(subscription, expected: self.webhook)
            case .alreadyEnabled:
                result.action = .alreadyEnabled
                result.subscriptionStatus = "enabled"
                result.webhookStatus = "enabled"
            }
        } catch {
            result.action = .failed
            result.error = error
        }
        return result
    }

    /// True when `webhook` has an expiration (Microsoft's time) within ``renewWithin``: renewing it before it
    /// passes keeps notifications flowing; an unreadable expiration is left alone.
    func expiresSoon(_ webhook: WebhookInfo?, serverNow: Date) -> Bool {
        guard let text = webhook?.expiration, !text.isEmpty, let expiry = Timestamp.parse(text) else { return false }
        return expiry.timeIntervalSince(serverNow) < Backoff.seconds(self.renewWithin)
    }

    /// The webhook column: Microsoft's status, or `none`, or `foreign` when it points elsewhere.
    static func webhookStatus(_ subscription: Subscription?, expected: WebhookInfo) -> String {
        guard let subscription else { return "none" }
        guard let hook = subscription.webhook else { return "none" }
        if hook.address != expected.address { return "foreign" }
        return hook.status ?? "?"
    }
}
