import HookJSON

/// The seven top-level fields the splitter extracts. The names' lengths are all different, which makes
/// matching a key a length switch plus one comparison.
enum RecordField: Int, CaseIterable {
    case id, recordType, creationTime, operation, workload, organizationId, userId

    var name: StaticString {
        switch self {
        case .id: "Id"
        case .recordType: "RecordType"
        case .creationTime: "CreationTime"
        case .operation: "Operation"
        case .workload: "Workload"
        case .organizationId: "OrganizationId"
        case .userId: "UserId"
        }
    }

    /// The longest key text (quotes included) that can name a field: every character `\u`-escaped.
    static let maxKeyBytes = 2 + 6 * 14

    /// The field named by `key` (a JSON string, quotes included, already validated), or nil.
    static func named(_ key: UnsafeBufferPointer<UInt8>, escaped: Bool) -> RecordField? {
        if escaped {
            // Rare (`"I\u0064"`): decode with the strict parser, then compare the text.
            guard key.count <= Self.maxKeyBytes, let text = decodeString(key) else { return nil }
            return Self.allCases.first { $0.name.description == text }
        }
        let length = key.count - 2
        let candidate: RecordField
        switch length {
        case 2: candidate = .id
        case 10: candidate = .recordType
        case 12: candidate = .creationTime
        case 9: candidate = .operation
        case 8: candidate = .workload
        case 14: candidate = .organizationId
        case 6: candidate = .userId
        default: return nil
        }
        let name = candidate.name.utf8Start
        for index in 0..<length where key[1 + index] != name[index] { return nil }
        return candidate
    }
}

/// Where the value of one extracted field lies, in offsets from the record's `{`. The scanner notes
/// it while bytes stream by; the value is decoded once the record is complete, because it may be cut
/// across chunks.
struct TrackedField {
    enum Kind { case string, number, other }

    let field: RecordField
    var valueStart = 0
    var valueEnd = 0
    var valueKind = Kind.other
    var valueEscaped = false
}

/// The text of the JSON string `bytes` (quotes included, already validated by the scanner).
func decodeString(_ bytes: UnsafeBufferPointer<UInt8>, escaped: Bool = true) -> String? {
    guard escaped else { return String(decoding: UnsafeBufferPointer(rebasing: bytes.dropFirst().dropLast()), as: UTF8.self) }
    return (try? JSONParser.parse(bytes))?.stringValue
}
