import Foundation
import HookEntraAuth
import HookRetry
import HookJSON

/// A failed Management Activity API call: the HTTP status, the `{"error":{"code","message"}}` envelope
/// when there was one, the taxonomy class and, when Microsoft said, how long to wait.
public struct ManagementAPIError: Error, CustomStringConvertible, Sendable {
    /// The HTTP status (0 when the transport failed before a response).
    public let status: Int
    /// The AF code (`AF20021`, `AF429`…) or another `error.code`; nil without an envelope.
    public let code: String?
    /// Microsoft's message, or a transport description.
    public let message: String
    /// What the caller should do about it.
    public let errorClass: ErrorClass
    /// How long Microsoft asked us to wait (`Retry-After` or "retry again after Xm Ys"), if it did.
    public let retryAfter: Duration?
    /// The operation, such as `start Audit.General`.
    public let operation: String

    /// Creates an error; `errorClass` defaults to the taxonomy of `status` and `code`.
    public init(status: Int, code: String?, message: String, operation: String,
                retryAfter: Duration? = nil, errorClass: ErrorClass? = nil) {
        self.status = status
        self.code = code
        self.message = message
        self.operation = operation
        self.retryAfter = retryAfter
        self.errorClass = errorClass ?? ErrorTaxonomy.classify(status: status, code: code)
    }

    /// Decodes an error answer. Bodies that are not the envelope keep their first 200 bytes as the message.
    public init(status: Int, body: [UInt8], retryAfterHeader: String?, operation: String) {
        var code: String?
        var message = String(decoding: body.prefix(200), as: UTF8.self)
        if let value = try? JSONParser.parse(body, limits: .init(maxDepth: 8)), let error = value["error"], error.isObject {
            code = error["code"]?.stringValue
            message = error["message"]?.stringValue ?? message
        }
        let wait = RetryAfter.parse(header: retryAfterHeader) ?? RetryAfter.parse(message: message)
        self.init(status: status, code: code, message: message, operation: operation, retryAfter: wait)
    }

    /// The operator hint for ``code``, if there is one.
    public var hint: String? { ErrorTaxonomy.hint(for: self.code) }

    public var description: String {
        var text = "\(self.operation): "
        if let code { text += "\(code): " }
        text += self.message.isEmpty ? "HTTP \(self.status)" : "\(self.message) (HTTP \(self.status))"
        if let hint { text += "; hint: \(hint)" }
        return text
    }
}
