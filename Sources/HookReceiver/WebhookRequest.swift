import Foundation
import HookHTTPServer

/// What arrived at the webhook path, told apart by shape (management-api.md §4): a validation
/// handshake is a JSON *object* with `validationCode`; a notification is a JSON *array* of blobs.
enum WebhookRequest {
    case validation(code: String, tenantId: String?, clientId: String?)
    case notification([Any])
    case malformed(String)

    /// Classifies a request body. Microsoft's own sample sends `Content-Type: application/json; utf-8`,
    /// so the media type is matched tolerantly: any `application/json` or `text/json`, any parameters.
    static func classify(_ request: HTTPRequest) -> WebhookRequest {
        guard let object = try? JSONSerialization.jsonObject(with: Data(request.body), options: [.fragmentsAllowed]) else {
            return .malformed("body is not valid JSON")
        }
        if let array = object as? [Any] { return .notification(array) }
        guard let dictionary = object as? [String: Any] else {
            return .malformed("body must be a JSON object (validation) or array (notification)")
        }
        // Tolerant choice: the body's validationCode decides; the Webhook-ValidationCode header is
        // expected too but only logged when missing, since the docs show both and clients vary.
        guard let code = dictionary["validationCode"] as? String else {
            return .malformed("JSON object without a validationCode string")
        }
        return .validation(
            code: code, tenantId: dictionary["tenantId"] as? String, clientId: dictionary["clientId"] as? String)
    }

    /// True for media types we accept as JSON; nil (absent) is accepted too.
    static func isJSONMediaType(_ value: String?) -> Bool {
        guard let value else { return true }
        let media = value.split(separator: ";", maxSplits: 1).first.map {
            $0.trimmingCharacters(in: .whitespaces).lowercased()
        } ?? ""
        return media == "application/json" || media == "text/json" || media.hasSuffix("+json") || media.isEmpty
    }
}
