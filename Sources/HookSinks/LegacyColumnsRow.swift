import Foundation
import HookHTTPTypes
import HookJSON
import HookRecords

/// A row in the column names and types of the retired HTTP Data Collector API (`columns: legacy`), so that
/// analytics rules written for the Sentinel "O365 Data" function app's `O365_CL` table (`RecordType_d`,
/// `Operation_s`, `UserId_s`, `CreationTime_t`, …) run unchanged (docs/legacy-columns.md).
///
/// Each top-level field of the record becomes one column named after it with the suffix the Data Collector
/// API inferred: `_s` string, `_d` number, `_b` boolean, `_t` date-time, `_g` GUID. A nested object or array
/// becomes a JSON string (`_s`), as the function app's `ConvertTo-Json` payloads did then. A null is left
/// out, as the Data Collector API did. `DateTime_t` is the time the row was sent, the field the function
/// app added to every record. `TimeGenerated` is `CreationTime` (the function app's, in practice, was the
/// ingestion time; rules filter on a window either way).
public enum LegacyColumnsRow {
    /// The row for `record`; a record whose bytes are not a JSON object (the splitter guarantees one) gives
    /// `TimeGenerated` and `DateTime_t` only.
    public static func encode(_ record: SplitRecord, source: BlobSource, ingestedAt: Date) -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(record.bytes.count + 200)
        let sent = Timestamp.format(ingestedAt)
        out += Array(#"{"TimeGenerated":""#.utf8)
        out += Array((record.creationTime.map(Timestamp.format) ?? sent).utf8)
        out += Array(#"","DateTime_t":""#.utf8)
        out += Array(sent.utf8)
        out.append(UInt8(ascii: "\""))
        let limits = JSONParser.Limits(maxDepth: 64, rejectDuplicateKeys: false)
        if case .object(let members)? = try? JSONParser.parse(record.bytes, limits: limits) {
            var seen = Set<String>()
            for member in members {
                guard let (name, value) = Self.column(member.key, member.value), seen.insert(name).inserted else { continue }
                out += Array(",\"\(name)\":".utf8)
                out += value
            }
        }
        out.append(UInt8(ascii: "}"))
        return out
    }

    /// The column name and JSON value for one field; nil for a null (left out) or a reserved name.
    static func column(_ key: String, _ value: JSONValue) -> (String, [UInt8])? {
        let base = Self.columnBase(key)
        guard !base.isEmpty, !["tenant", "timegenerated", "rawdata"].contains(base.lowercased()) else { return nil }
        switch value {
        case .null: return nil
        case .bool(let flag): return ("\(base)_b", Array((flag ? "true" : "false").utf8))
        case .number(let text): return ("\(base)_d", Array(text.utf8))
        case .string(let text):
            // Microsoft sometimes sends these numbers as strings (docs/management-api-notes.md). The Data
            // Collector API would have opened a second column (`RecordType_s`) and split the table; we chose to
            // keep them in the `_d` column every rule reads.
            if Self.numericFields.contains(base), !text.isEmpty, text.count <= 18, text.allSatisfy(\.isASCII), Int64(text) != nil {
                return ("\(base)_d", Array(text.utf8))
            }
            if RecordGUID(text) != nil { return ("\(base)_g", Self.quoted(text.lowercased())) }
            if Self.looksLikeDateTime(text), let date = Timestamp.parse(text) { return ("\(base)_t", Self.quoted(Timestamp.format(date))) }
            return ("\(base)_s", Self.quoted(text))
        case .array, .object: return ("\(base)_s", Self.quoted(String(decoding: JSONText.encode(value), as: UTF8.self)))
        }
    }

    /// Fields Microsoft's schema defines as numbers.
    static let numericFields: Set<String> = ["RecordType", "UserType", "Version", "AzureActiveDirectoryEventType", "LogonType",
                                              "InternalLogonType", "OperationCount", "SourceWorkload", "ResultCount"]

    /// The Data Collector API allowed letters, digits and `_` in names: anything else becomes `_`.
    static func columnBase(_ key: String) -> String {
        String(key.unicodeScalars.map { scalar -> Character in
            scalar.isASCII && (CharacterSet.alphanumerics.contains(scalar) || scalar == "_") ? Character(scalar) : "_"
        }.prefix(42))  // 45 characters at most, with the suffix
    }

    /// `YYYY-MM-DDThh:mm…`: only such strings are tried as dates, so a number-like string stays a string.
    static func looksLikeDateTime(_ text: String) -> Bool {
        let bytes = Array(text.utf8.prefix(16))
        guard bytes.count == 16 else { return false }
        let digits = [0, 1, 2, 3, 5, 6, 8, 9, 11, 12, 14, 15]
        return digits.allSatisfy { bytes[$0] >= 0x30 && bytes[$0] <= 0x39 }
            && bytes[4] == UInt8(ascii: "-") && bytes[7] == UInt8(ascii: "-") && bytes[10] == UInt8(ascii: "T") && bytes[13] == UInt8(ascii: ":")
    }

    static func quoted(_ text: String) -> [UInt8] { Array("\"\(jsonEscaped(text))\"".utf8) }
}

/// Compact JSON text of a parsed value (a nested value of a legacy row). Numbers keep their original text.
enum JSONText {
    static func encode(_ value: JSONValue) -> [UInt8] {
        var out: [UInt8] = []
        Self.write(value, into: &out)
        return out
    }

    private static func write(_ value: JSONValue, into out: inout [UInt8]) {
        switch value {
        case .null: out += Array("null".utf8)
        case .bool(let flag): out += Array((flag ? "true" : "false").utf8)
        case .number(let text): out += Array(text.utf8)
        case .string(let text): out += LegacyColumnsRow.quoted(text)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.write(item, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let members):
            out.append(UInt8(ascii: "{"))
            for (index, member) in members.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                out += LegacyColumnsRow.quoted(member.key)
                out.append(UInt8(ascii: ":"))
                Self.write(member.value, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }
}
