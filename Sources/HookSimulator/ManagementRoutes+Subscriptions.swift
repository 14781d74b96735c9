import Foundation
import HookHTTPServer

/// `subscriptions/start`, `/stop` and `/list` (§3, §4).
extension ManagementRoutes {
    func start(_ caller: Caller, _ request: HTTPRequest) throws -> HTTPHandlerResult {
        let (type, typeAsSent) = try self.contentType(caller, request)
        let key = SubscriptionKey(tenant: caller.tenant, contentType: type)
        let now = self.state.clock.now
        if let throttled = self.state.admitStart(key, now: now) { throw throttled }
        let requested = try Self.webhook(from: request.body, now: now)
        let existing = self.state.withStore { $0.subscriptions[key] }
        if let existing, existing.status == .enabled {
            switch (existing.webhook, requested) {
            case (nil, nil): throw APIError.alreadyEnabled
            case (let old?, let new?) where old.status == .enabled && old.sameProperties(as: new): throw APIError.alreadyEnabled
            default: break
            }
        }
        guard let webhook = requested else {
            // No body: create or re-enable without a webhook, removing any webhook ([I] §3.1).
            return .response(self.save(key, webhook: nil, caller: caller, typeAsSent: typeAsSent))
        }
        if self.state.settings.requireHTTPSWebhook && !webhook.address.lowercased().hasPrefix("https://") {
            throw APIError.webhookNotValidated(webhook.address, "The address must begin with HTTPS.")
        }
        let validation = self.validation
        return .async {
            // The handshake runs before anything changes: on failure the subscription stays as it was (§4).
            if let reason = await validation.validate(address: webhook.address, authId: webhook.authId) {
                return APIError.webhookNotValidated(webhook.address, reason).response
            }
            return self.save(key, webhook: webhook, caller: caller, typeAsSent: typeAsSent)
        }
    }

    private func save(_ key: SubscriptionKey, webhook: Webhook?, caller: Caller, typeAsSent: String) -> HTTPResponse {
        let subscription = Subscription(contentType: key.contentType, status: .enabled, webhook: webhook, clientId: caller.claims.appId)
        self.state.withStore { store in
            store.subscriptions[key] = subscription
            store.counters.subscriptionsStarted += 1
        }
        // The caller's casing is echoed, as observed (§3.1).
        let body = JSONOutput.object([
            ("contentType", .string(typeAsSent)), ("status", .string("enabled")),
            ("webhook", webhook.map { hook in
                .object([("status", .string(hook.status.rawValue)), ("address", .string(hook.address)),
                         ("authId", .optional(hook.authId)), ("expiration", .optional(hook.expirationText))])
            } ?? .null),
        ])
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json; charset=utf-8"], body: body.bytes)
    }

    /// The `webhook` of a `/start` body, nil without one; AF20003 for an expiration in the past.
    static func webhook(from body: [UInt8], now: Date) throws -> Webhook? {
        guard !body.allSatisfy({ $0 == 0x20 || $0 == 0x0A || $0 == 0x0D || $0 == 0x09 }) else { return nil }
        guard let object = JSONInput.object(body) else { throw APIError.invalidType("body", "json") }
        guard let hook = object.object("webhook") else { return nil }
        guard let address = hook.string("address"), !address.isEmpty else { throw APIError.missingParameter("webhook.address") }
        var webhook = Webhook(address: address, authId: hook.string("authId"))
        if let text = hook.string("expiration"), !text.isEmpty {
            guard let date = SimTime.parseQuery(text) ?? ISO8601DateFormatter().date(from: text) else {
                throw APIError.invalidType("expiration", "datetime")
            }
            guard date > now else { throw APIError.expirationInPast(text) }
            webhook.expiration = date
            webhook.expirationText = text
        } else if hook.string("expiration") == "" {
            webhook.expirationText = ""
        }
        return webhook
    }

    func stop(_ caller: Caller, _ request: HTTPRequest) throws -> HTTPResponse {
        let (type, _) = try self.contentType(caller, request)
        let key = SubscriptionKey(tenant: caller.tenant, contentType: type)
        try self.state.withStore { store in
            guard var subscription = store.subscriptions[key] else { throw APIError.noSubscription }
            subscription.status = .disabled
            store.subscriptions[key] = subscription
        }
        return HTTPResponse(status: 200)
    }

    func list(_ caller: Caller) -> HTTPResponse {
        let now = self.state.clock.now
        let subscriptions = self.state.withStore { store in
            SimContentType.allCases.compactMap { type -> Subscription? in
                let key = SubscriptionKey(tenant: caller.tenant, contentType: type)
                guard var subscription = store.subscriptions[key] else { return nil }
                // Expiry shows even when no notification was due at that moment (§5).
                if var hook = subscription.webhook, hook.status == .enabled, let expiration = hook.expiration, expiration <= now {
                    hook.status = .expired
                    subscription.webhook = hook
                    store.subscriptions[key] = subscription
                }
                return subscription
            }
        }
        // Observed wire order of webhook keys: authId, address, expiration, status (§3.3).
        let body = JSONOutput.array(subscriptions.map { subscription in
            .object([
                ("contentType", .string(subscription.contentType.rawValue)),
                ("status", .string(subscription.status.rawValue)),
                ("webhook", subscription.webhook.map { hook in
                    .object([("authId", .optional(hook.authId)), ("address", .string(hook.address)),
                             ("expiration", .optional(hook.expirationText)), ("status", .string(hook.status.rawValue))])
                } ?? .null),
            ])
        })
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json; charset=utf-8"], body: body.bytes)
    }
}
