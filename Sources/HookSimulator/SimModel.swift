import Foundation
import HookCrypto

/// The five content types, with the exact strings of the API (§0).
public enum SimContentType: String, Sendable, CaseIterable, Hashable {
    case azureActiveDirectory = "Audit.AzureActiveDirectory"
    case exchange = "Audit.Exchange"
    case sharePoint = "Audit.SharePoint"
    case general = "Audit.General"
    case dlp = "DLP.All"

    /// Case-insensitive parse: the service echoed `Audit.Sharepoint` back, so it matches loosely (§3.1).
    public init?(caseInsensitive text: String) {
        let lowered = text.lowercased()
        guard let match = Self.allCases.first(where: { $0.rawValue.lowercased() == lowered }) else { return nil }
        self = match
    }

    /// The lowercase, underscored form used inside content ids (`audit_sharepoint`).
    var idPart: String { self.rawValue.replacingOccurrences(of: ".", with: "_").lowercased() }
}

/// An app registration consented in one tenant.
public struct SimApp: Sendable {
    public var clientId: String
    public var secret: String?
    /// Registered certificates (`keyCredentials`); a client assertion must be signed by one of them.
    public var certificates: [Certificate]
    /// Application permissions granted, e.g. `ActivityFeed.Read`, `ActivityFeed.ReadDlp`.
    public var roles: [String]

    public init(clientId: String, secret: String? = nil, certificates: [Certificate] = [],
                roles: [String] = ["ActivityFeed.Read", "ActivityFeed.ReadDlp", "ServiceHealth.Read"]) {
        self.clientId = clientId.lowercased()
        self.secret = secret
        self.certificates = certificates
        self.roles = roles
    }
}

/// One tenant and the apps consented in it.
public struct SimTenant: Sendable {
    public var id: String
    public var apps: [String: SimApp]

    public init(id: String, apps: [SimApp] = []) {
        self.id = id.lowercased()
        self.apps = Dictionary(apps.map { ($0.clientId, $0) }, uniquingKeysWith: { $1 })
    }
}

/// Where a subscription lives: one tenant and one content type.
struct SubscriptionKey: Hashable, Sendable {
    var tenant: String
    var contentType: SimContentType
}

/// A registered webhook as `/subscriptions/list` shows it.
struct Webhook: Sendable, Equatable {
    enum Status: String, Sendable { case enabled, disabled, expired }
    var address: String
    var authId: String?
    var expiration: Date?
    /// The expiration as the caller sent it (`""`, null or a time), echoed back in list.
    var expirationText: String?
    var status: Status = .enabled
    var consecutiveFailures = 0

    /// Whether a `/start` with `other` would change nothing.
    func sameProperties(as other: Webhook) -> Bool {
        self.address == other.address && self.authId == other.authId && self.expiration == other.expiration
    }
}

/// A subscription to one content type.
struct Subscription: Sendable {
    enum Status: String, Sendable { case enabled, disabled }
    var contentType: SimContentType
    var status: Status
    var webhook: Webhook?
    /// The app that created it; notifications carry it as `clientId`.
    var clientId: String
}

/// A content blob: its listing metadata and its pre-rendered body.
struct Blob: Sendable {
    var listing: BlobListing
    /// The whole response body, rendered once so that serving it is a memory copy.
    var body: [UInt8]
}

/// One notification attempt, as `/subscriptions/notifications` reports it.
struct NotificationEntry: Sendable {
    var contentId: String
    var created: Date
    var expiration: Date
    var sent: Date
    var success: Bool
}
