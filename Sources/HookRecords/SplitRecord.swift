import Foundation
import HookJSON

/// One audit record cut out of a content blob: its original bytes, never re-encoded, and the few
/// top-level fields the forwarder needs for de-duplication, routing and timestamps.
///
/// A field is nil when the record lacks it at its top level or holds a value of another kind there
/// (`null`, an object, an array). Keys with the same names in nested objects are never looked at.
public struct SplitRecord: Sendable, Equatable {
    /// The record's bytes exactly as served, from its `{` to its `}`.
    public let bytes: [UInt8]
    /// The byte offset of the record's `{` in the blob.
    public let offset: Int
    /// `Id` (the record's GUID, the de-duplication key), escapes decoded.
    public let id: String?
    /// `RecordType`, from a number or from a string of digits (`"RecordType":"28"`).
    public let recordType: Int?
    /// `CreationTime` exactly as written (Microsoft sends it without a zone: `2015-06-29T20:03:19`).
    public let creationTimeText: String?
    /// `CreationTime` parsed by `Timestamp.parse` (no zone is read as UTC); nil when absent or unparseable.
    public let creationTime: Date?
    /// `Operation`, escapes decoded.
    public let operation: String?
    /// `Workload`, escapes decoded.
    public let workload: String?
    /// `OrganizationId` (the tenant), escapes decoded.
    public let organizationId: String?
    /// `UserId`, escapes decoded.
    public let userId: String?

    /// Creates a record; the splitter builds these, tests and sinks may too.
    public init(bytes: [UInt8], offset: Int, id: String?, recordType: Int?, creationTimeText: String?,
                operation: String?, workload: String?, organizationId: String?, userId: String?) {
        self.bytes = bytes
        self.offset = offset
        self.id = id
        self.recordType = recordType
        self.creationTimeText = creationTimeText
        self.creationTime = creationTimeText.flatMap { Timestamp.parse($0) }
        self.operation = operation
        self.workload = workload
        self.organizationId = organizationId
        self.userId = userId
    }
}

extension SplitRecord {
    /// Builds the record from its complete bytes and the fields the scanner tracked in them.
    static func make(bytes: [UInt8], offset: Int, fields: [TrackedField]) -> SplitRecord {
        var values = [String?](repeating: nil, count: RecordField.allCases.count)
        bytes.withUnsafeBufferPointer { buffer in
            // `null`, `true`, objects and arrays leave the field nil: their end is not even noted.
            for tracked in fields where tracked.valueKind != .other {
                let value = UnsafeBufferPointer(rebasing: buffer[tracked.valueStart..<tracked.valueEnd])
                values[tracked.field.rawValue] = tracked.valueKind == .string
                    ? decodeString(value, escaped: tracked.valueEscaped) : String(decoding: value, as: UTF8.self)
            }
        }
        return SplitRecord(
            bytes: bytes, offset: offset, id: values[RecordField.id.rawValue],
            recordType: values[RecordField.recordType.rawValue].flatMap { Int($0) },
            creationTimeText: values[RecordField.creationTime.rawValue],
            operation: values[RecordField.operation.rawValue], workload: values[RecordField.workload.rawValue],
            organizationId: values[RecordField.organizationId.rawValue], userId: values[RecordField.userId.rawValue])
    }
}
