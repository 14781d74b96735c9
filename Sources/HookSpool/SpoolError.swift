import Foundation

/// Why the spool could not do what was asked. Messages name the file.
public struct SpoolError: Error, CustomStringConvertible, Sendable {
    /// What went wrong.
    public enum Kind: Sendable, Equatable {
        /// A file operation failed (the message carries `errno`).
        case io
        /// An entry that was durable no longer reads back (checksum, framing, sequence).
        case corrupt
        /// The spool was closed.
        case closed
        /// An entry is larger than a segment may hold.
        case tooLarge
    }

    public let kind: Kind
    public let message: String

    init(_ kind: Kind, _ message: String) {
        self.kind = kind
        self.message = message
    }

    public var description: String { "spool: \(self.message)" }

    /// The error for a failed POSIX call, naming the operation and path.
    static func posix(_ operation: String, _ path: String, _ code: Int32 = errno) -> SpoolError {
        SpoolError(.io, "cannot \(operation) \(path): \(String(cString: strerror(code))) (errno \(code))")
    }
}
