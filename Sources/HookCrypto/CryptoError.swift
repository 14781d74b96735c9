/// A failed cryptographic operation: which operation failed, why, and OpenSSL's own account of it.
///
/// `description` is one line fit for a log: the operation, the message and every entry OpenSSL
/// had queued for the failing call, oldest first.
public struct CryptoError: Error, CustomStringConvertible, Sendable {
    /// The kind of failure; stable across OpenSSL versions, unlike OpenSSL's own codes.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        /// A short name for the kind of failure, such as `openssl` or `unsuitableKey`.
        public let description: String

        private init(_ description: String) { self.description = description }

        /// An OpenSSL call failed; `openSSLErrors` holds the library's error queue.
        public static let openSSL = Code("openssl")
        /// The input (PEM text, file, size argument) was not acceptable.
        public static let invalidInput = Code("invalidInput")
        /// The key cannot be used for the requested algorithm: wrong type, or too small.
        public static let unsuitableKey = Code("unsuitableKey")
    }

    /// The kind of failure.
    public let code: Code
    /// The public operation that failed, such as `PrivateKey.sign(PS256)`.
    public let operation: String
    /// What went wrong, in words; names the OpenSSL function when one failed.
    public let message: String
    /// OpenSSL's error queue at the time of the failure, drained and formatted, oldest first.
    public let openSSLErrors: [String]

    /// Creates an error; `openSSLErrors` is normally filled by draining the OpenSSL error queue.
    public init(_ code: Code, operation: String, message: String, openSSLErrors: [String] = []) {
        self.code = code
        self.operation = operation
        self.message = message
        self.openSSLErrors = openSSLErrors
    }

    /// `operation failed: message [OpenSSL: entry; entry]`.
    public var description: String {
        var text = "\(self.operation) failed: \(self.message)"
        if !self.openSSLErrors.isEmpty {
            text += " [OpenSSL: \(self.openSSLErrors.joined(separator: "; "))]"
        }
        return text
    }
}
