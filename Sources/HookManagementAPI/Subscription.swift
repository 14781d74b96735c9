import HookHTTPClient
import HookJSON

/// The webhook part of a subscription, as `/start` and `/list` return it (reference §3).
public struct WebhookInfo: Sendable, Equatable {
    /// The HTTPS endpoint notifications go to.
    public var address: String
    /// Echoed as `Webhook-AuthID` on every notification; nil when none was set.
    public var authId: String?
    /// When notifications stop; nil or empty for none (Microsoft sends both `null` and `""`).
    public var expiration: String?
    /// `enabled`, `disabled` or `expired` (nil in a request).
    public var status: String?

    /// Creates a webhook description.
    public init(address: String, authId: String?, expiration: String? = nil, status: String? = nil) {
        self.address = address
        self.authId = authId
        self.expiration = expiration
        self.status = status
    }

    /// The `{"webhook":{…}}` body of a `/start` request.
    public var startBody: String {
        var fields = [#""address":"\#(jsonEscaped(self.address))""#]
        if let authId { fields.append(#""authId":"\#(jsonEscaped(authId))""#) }
        fields.append(#""expiration":"\#(jsonEscaped(self.expiration ?? ""))""#)
        return #"{"webhook":{\#(fields.joined(separator: ","))}}"#
    }
}

/// One subscription (a content type of a tenant).
public struct Subscription: Sendable, Equatable {
    /// The content type as Microsoft spelled it.
    public var contentType: String
    /// `enabled` or `disabled`; empty when Microsoft omitted it (a documented sample does).
    public var status: String
    /// The webhook, or nil when none is configured.
    public var webhook: WebhookInfo?

    /// Creates a subscription value.
    public init(contentType: String, status: String, webhook: WebhookInfo?) {
        self.contentType = contentType
        self.status = status
        self.webhook = webhook
    }

    /// Reads one `{contentType, status, webhook}` object; nil when it has no content type.
    package init?(json value: JSONValue) {
        guard let contentType = value["contentType"]?.stringValue else { return nil }
        self.contentType = contentType
        self.status = value["status"]?.stringValue ?? ""
        if let hook = value["webhook"], hook.isObject, let address = hook["address"]?.stringValue {
            self.webhook = WebhookInfo(address: address, authId: hook["authId"]?.stringValue,
                                       expiration: hook["expiration"]?.stringValue, status: hook["status"]?.stringValue)
        } else {
            self.webhook = nil
        }
    }

    /// True when the subscription is enabled and its webhook is enabled, at `address`, with `authId`.
    public func isServing(address: String, authId: String?) -> Bool {
        guard self.status.lowercased() == "enabled", let webhook, webhook.status?.lowercased() == "enabled" else { return false }
        return webhook.address == address && (webhook.authId ?? "") == (authId ?? "")
    }
}

/// One entry of a `/subscriptions/content` listing (reference §6.1).
public struct ContentBlob: Sendable, Equatable {
    /// The content type.
    public var contentType: String
    /// Opaque content id.
    public var contentId: String
    /// Where to GET the blob (needs the bearer token and `PublisherIdentifier`).
    public var contentURI: String
    /// `contentCreated` as sent.
    public var contentCreated: String
    /// `contentExpiration` as sent.
    public var contentExpiration: String

    package init?(json value: JSONValue) {
        guard let type = value["contentType"]?.stringValue, let id = value["contentId"]?.stringValue,
              let uri = value["contentUri"]?.stringValue else { return nil }
        self.contentType = type
        self.contentId = id
        self.contentURI = uri
        self.contentCreated = value["contentCreated"]?.stringValue ?? ""
        self.contentExpiration = value["contentExpiration"]?.stringValue ?? ""
    }
}

/// One delivery attempt from `/subscriptions/notifications` (reference §6.2).
public struct NotificationAttempt: Sendable, Equatable {
    /// The content id the notification was about.
    public var contentId: String
    /// When Microsoft sent it.
    public var notificationSent: String
    /// Microsoft's status text for the attempt.
    public var notificationStatus: String

    package init?(json value: JSONValue) {
        guard let id = value["contentId"]?.stringValue else { return nil }
        self.contentId = id
        self.notificationSent = value["notificationSent"]?.stringValue ?? ""
        self.notificationStatus = value["notificationStatus"]?.stringValue ?? ""
    }
}
