import Foundation
import HookHTTPTypes
import HookJSON
import HookRecords

/// One row of the `O365_CL` table as the Logs Ingestion sink sends it: the common audit fields as
/// columns and the whole record, byte for byte, in the dynamic `Record` column.
///
/// ``columns`` is the schema the DCR's stream declaration must match; `webhook-config/sentinel/o365-table-dcr.json`
/// declares exactly these names and types, and a test compares the two.
public enum LogsIngestionRow {
    /// A column of the stream declaration: its name and Log Analytics type.
    public struct Column: Sendable, Equatable {
        /// Column name; none of the reserved names (`TenantId`, `Type`, `id`, `_ResourceId`, …).
        public let name: String
        /// `datetime`, `string`, `int` or `dynamic`.
        public let type: String

        /// Creates a column.
        public init(name: String, type: String) {
            self.name = name
            self.type = type
        }
    }

    /// Every column a row can carry, in the order they are written.
    public static let columns: [Column] = [
        Column(name: "TimeGenerated", type: "datetime"),
        Column(name: "RecordId", type: "string"),
        Column(name: "CreationTime", type: "datetime"),
        Column(name: "RecordType", type: "int"),
        Column(name: "Operation", type: "string"),
        Column(name: "Workload", type: "string"),
        Column(name: "OrganizationId", type: "string"),
        Column(name: "UserId", type: "string"),
        Column(name: "ContentType", type: "string"),
        Column(name: "ContentId", type: "string"),
        Column(name: "Record", type: "dynamic"),
    ]

    /// The row's JSON object for `record` of `source`. `TimeGenerated` is `CreationTime` in UTC with `Z`,
    /// or `ingestedAt` when the record has no readable `CreationTime`. Absent fields are left out (null).
    public static func encode(_ record: SplitRecord, source: BlobSource, ingestedAt: Date) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(record.bytes.count + 400)
        let created = record.creationTime.map(Timestamp.format)
        out += Array(#"{"TimeGenerated":""#.utf8)
        out += Array((created ?? Timestamp.format(ingestedAt)).utf8)
        out.append(UInt8(ascii: "\""))
        Self.string("RecordId", record.id, into: &out)
        Self.string("CreationTime", created, into: &out)
        if let type = record.recordType { out += Array(#","RecordType":\#(type)"#.utf8) }
        Self.string("Operation", record.operation, into: &out)
        Self.string("Workload", record.workload, into: &out)
        Self.string("OrganizationId", record.organizationId, into: &out)
        Self.string("UserId", record.userId, into: &out)
        Self.string("ContentType", source.contentType, into: &out)
        Self.string("ContentId", source.contentId, into: &out)
        // The original bytes are a complete JSON object (the splitter guarantees it): embedded verbatim,
        // never re-encoded, so the dynamic column holds exactly what Microsoft served.
        out += Array(#","Record":"#.utf8)
        out += record.bytes
        out.append(UInt8(ascii: "}"))
        return out
    }

    private static func string(_ name: String, _ value: String?, into out: inout [UInt8]) {
        guard let value else { return }
        out += Array(",\"\(name)\":\"\(jsonEscaped(value))\"".utf8)
    }
}
