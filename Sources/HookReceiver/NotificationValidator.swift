import Foundation
import HookJSON
import HookLedger

/// Turns one element of a notification array into a ``BlobNotice``, or says why it is rejected.
///
/// Checks: an object with every field as a string; a configured tenant (GUID compared case-insensitively);
/// one of that tenant's content types (case-insensitive: Microsoft echoed `Audit.Sharepoint` once);
/// parseable `contentCreated`/`contentExpiration` that are plausible now and a `contentUri` accepted by
/// ``ContentURIPolicy`` whose last segment is the `contentId` (both ``NoticePlausibility``).
public struct NotificationValidator: Sendable {
    /// For each configured tenant (lowercase id): its content types, keyed by name and lowercase name.
    let tenants: [String: [String: String]]
    /// For each configured tenant: the accepted content-URI prefixes (see `ContentURIPolicy.prefixes`).
    let uriPrefixes: [String: [[UInt8]]]
    let uriPolicy: ContentURIPolicy
    /// "Now" for the date checks (tests pin it to their fixtures' dates).
    let clock: @Sendable () -> Date

    public init(tenants: [String: [String]], uriPolicy: ContentURIPolicy, clock: @escaping @Sendable () -> Date = { Date() }) {
        self.clock = clock
        // Content types are found by their exact name or, failing that, by their lowercased name.
        self.tenants = Dictionary(uniqueKeysWithValues: tenants.map { tenant, types in
            (tenant.lowercased(), Dictionary(types.flatMap { [($0, $0), ($0.lowercased(), $0)] }, uniquingKeysWith: { first, _ in first }))
        })
        self.uriPolicy = uriPolicy
        self.uriPrefixes = Dictionary(uniqueKeysWithValues: tenants.keys.map { ($0.lowercased(), uriPolicy.prefixes(tenantId: $0)) })
    }

    static let fields = ["tenantId", "clientId", "contentType", "contentId", "contentUri", "contentCreated", "contentExpiration"]

    /// The notice, or a short rejection reason usable as a metric label.
    public func validate(_ element: JSONValue) -> Result<BlobNotice, Rejection> {
        self.validate(element, now: self.clock())
    }

    /// The same at a given `now` (one clock reading per notification body).
    public func validate(_ element: JSONValue, now: Date) -> Result<BlobNotice, Rejection> {
        guard case .object(let members) = element else { return .failure(Rejection(reason: "not_an_object")) }
        // One pass over the members into locals: this runs for every element of every notification.
        var fields = [String?](repeating: nil, count: Self.fields.count)
        for (key, value) in members {
            guard let index = Self.fieldIndex(key), let text = value.stringValue, !text.isEmpty, text.utf8.count <= 2048 else {
                continue
            }
            fields[index] = text
        }
        for (index, field) in Self.fields.enumerated() where fields[index] == nil {
            return .failure(Rejection(reason: "missing_\(field)"))
        }
        let tenant = Self.lowercasedIfNeeded(fields[0]!)
        guard let types = self.tenants[tenant] else { return .failure(Rejection(reason: "unknown_tenant")) }
        guard let contentType = types[fields[2]!] ?? types[fields[2]!.lowercased()] else {
            return .failure(Rejection(reason: "unknown_content_type"))
        }
        guard let created = Timestamp.parse(fields[5]!) else { return .failure(Rejection(reason: "bad_contentCreated")) }
        guard let expiration = Timestamp.parse(fields[6]!) else { return .failure(Rejection(reason: "bad_contentExpiration")) }
        if let reason = NoticePlausibility.rejection(created: created, expiration: expiration, now: now) {
            return .failure(Rejection(reason: reason))
        }
        if let reason = self.uriPolicy.rejection(fields[4]!, prefixes: self.uriPrefixes[tenant] ?? [], tenantId: tenant)
            ?? NoticePlausibility.uriRejection(fields[4]!, contentId: fields[3]!) {
            return .failure(Rejection(reason: reason))
        }
        return .success(BlobNotice(
            tenantId: tenant, clientId: fields[1], contentType: contentType, contentId: fields[3]!,
            contentUri: fields[4]!, contentCreated: created, contentExpiration: expiration))
    }

    private static func fieldIndex(_ key: String) -> Int? {
        switch key {
        case "tenantId": 0
        case "clientId": 1
        case "contentType": 2
        case "contentId": 3
        case "contentUri": 4
        case "contentCreated": 5
        case "contentExpiration": 6
        default: nil
        }
    }

    /// Lowercases only when there is an uppercase ASCII letter (GUIDs usually arrive lowercase).
    static func lowercasedIfNeeded(_ text: String) -> String {
        text.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } ? text.lowercased() : text
    }

    /// Why an element was not stored.
    public struct Rejection: Error, Sendable, Equatable {
        public let reason: String
    }
}

/// The outcome of reading a notification body.
public enum NotificationBody: Sendable {
    case validation(code: String, tenantId: String?, clientId: String?)
    case notices([BlobNotice], rejected: [String])
    case malformed(String)

    /// Parses and classifies a body: a JSON object with `validationCode` is the handshake; a JSON array
    /// is a notification (each element validated on its own, so one bad element does not sink the rest).
    public static func read(_ body: [UInt8], validator: NotificationValidator) -> NotificationBody {
        let value: JSONValue
        do {
            value = try JSONParser.parse(body, limits: .init(maxDepth: 16, rejectDuplicateKeys: true))
        } catch {
            return .malformed("\(error)")
        }
        switch value {
        case .array(let elements):
            guard !elements.isEmpty else { return .malformed("empty notification array") }
            guard elements.count <= 10_000 else { return .malformed("more than 10000 elements") }
            var notices: [BlobNotice] = []
            var rejected: [String] = []
            let now = validator.clock()
            for element in elements {
                switch validator.validate(element, now: now) {
                case .success(let notice): notices.append(notice)
                case .failure(let rejection): rejected.append(rejection.reason)
                }
            }
            return .notices(notices, rejected: rejected)
        case .object:
            guard let code = value["validationCode"]?.stringValue else {
                return .malformed("JSON object without a validationCode string")
            }
            return .validation(code: code, tenantId: value["tenantId"]?.stringValue, clientId: value["clientId"]?.stringValue)
        default:
            return .malformed("body must be a JSON object (validation) or array (notification)")
        }
    }
}
