/// Why a content blob could not be split into records. The whole blob fails: the caller retries it
/// and de-duplicates by `Id`, so records already returned before the error are harmless.
public struct RecordSplitError: Error, CustomStringConvertible, Equatable, Sendable {
    /// The kind of failure, for metrics and for deciding whether a retry can help.
    public enum Code: String, Sendable, Equatable {
        /// The bytes are not valid JSON (unexpected character, bad escape, bad number or literal).
        case invalidJSON
        /// A string holds bytes that are not well-formed UTF-8.
        case invalidUTF8
        /// The top-level value is not an array.
        case notAnArray
        /// An element of the array is not an object.
        case notAnObject
        /// Containers are nested deeper than `Limits.maxDepth` (the outer array counts as one level).
        case tooDeep
        /// One record is larger than `Limits.maxRecordBytes`.
        case recordTooLarge
        /// One of the extracted top-level fields (`Id`, `RecordType`, ...) appears twice in a record,
        /// so which value the record "has" would be ambiguous.
        case duplicateField
        /// `finish()` was called before the array was closed.
        case truncated
        /// Something other than whitespace follows the closing `]`.
        case trailingData
    }

    /// The kind of failure.
    public let code: Code
    /// The byte offset in the blob (from its first byte) where the failure was detected.
    public let offset: Int
    /// A human-readable detail.
    public let message: String

    /// Creates an error; `offset` counts from the blob's first byte.
    public init(_ code: Code, at offset: Int, _ message: String) {
        self.code = code
        self.offset = offset
        self.message = message
    }

    /// The message for logs and for the ledger's stored reason of a dead blob.
    public var description: String { "content blob is not a valid record array at byte \(self.offset): \(self.message)" }
}
