/// Why a sink could not take records now.
public struct SinkError: Error, CustomStringConvertible, Sendable {
    /// Whether trying again later can help.
    public enum Kind: String, Sendable {
        /// Network trouble, 429, 5xx, a full disk: the same records will likely go through later.
        case transient
        /// The destination refuses these records or our credentials (400, 401, 403, bad config): an operator
        /// must act. The forwarder still keeps the blob pending (records are never dropped) and logs at error level.
        case permanent
    }

    /// The sink's configured name.
    public var sink: String
    /// Transient or permanent.
    public var kind: Kind
    /// A human message naming what failed; never contains a secret or token.
    public var message: String
    /// How long the destination asked us to wait (`Retry-After`), if it did.
    public var retryAfter: Duration?

    /// Creates an error.
    public init(sink: String, kind: Kind, message: String, retryAfter: Duration? = nil) {
        self.sink = sink
        self.kind = kind
        self.message = message
        self.retryAfter = retryAfter
    }

    public var description: String { "sink \(self.sink): \(self.message)" }
}
