import HookJSON

/// Where one member of a record's top-level object lies, in offsets relative to the record's `{`.
/// The scanner notes these while bytes stream by; the fields are decoded only once the record's bytes
/// are complete, because a key or value may be cut across chunks.
struct TopLevelMember {
    enum Kind { case string, number, other }

    var keyStart = 0  // the key's opening quote
    var keyEnd = 0  // one past the key's closing quote
    var keyEscaped = false
    var valueStart = 0
    var valueEnd = 0
    var valueKind = Kind.other
    var valueEscaped = false
}

/// The seven extracted fields; the raw value of each key's length is unique, which makes matching cheap.
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

    /// The field named by the key between the quotes at `range` of `bytes`, or nil.
    static func named(_ bytes: UnsafeBufferPointer<UInt8>, _ member: TopLevelMember) -> RecordField? {
        let length = member.keyEnd - member.keyStart - 2
        if member.keyEscaped {
            // Rare (`"I\u0064"`): decode with the strict parser, then compare the text.
            guard let key = decodeString(bytes, member.keyStart, member.keyEnd) else { return nil }
            return Self.allCases.first { $0.name.description == key }
        }
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
        for index in 0..<length where bytes[member.keyStart + 1 + index] != name[index] { return nil }
        return candidate
    }
}

/// The text of the JSON string at `start..<end` (quotes included), already validated by the scanner.
func decodeString(_ bytes: UnsafeBufferPointer<UInt8>, _ start: Int, _ end: Int, escaped: Bool = true) -> String? {
    guard escaped else {
        return String(decoding: UnsafeBufferPointer(rebasing: bytes[(start + 1)..<(end - 1)]), as: UTF8.self)
    }
    return (try? JSONParser.parse(UnsafeBufferPointer(rebasing: bytes[start..<end])))?.stringValue
}

extension SplitRecord {
    /// Builds the record from its complete bytes and the top-level members the scanner noted.
    /// Throws `duplicateField` when one of the seven fields appears twice at the top level.
    static func make(bytes: [UInt8], offset: Int, members: [TopLevelMember]) throws(RecordSplitError) -> SplitRecord {
        var values = [String?](repeating: nil, count: RecordField.allCases.count)
        var seen = 0
        try bytes.withUnsafeBufferPointer { buffer throws(RecordSplitError) in
            for member in members {
                guard let field = RecordField.named(buffer, member) else { continue }
                guard seen & (1 << field.rawValue) == 0 else {
                    throw RecordSplitError(.duplicateField, at: offset + member.keyStart,
                                           "the record has two \"\(field.name)\" members")
                }
                seen |= 1 << field.rawValue
                switch member.valueKind {
                case .string:
                    values[field.rawValue] = decodeString(buffer, member.valueStart, member.valueEnd,
                                                          escaped: member.valueEscaped)
                case .number:
                    values[field.rawValue] = String(
                        decoding: UnsafeBufferPointer(rebasing: buffer[member.valueStart..<member.valueEnd]), as: UTF8.self)
                case .other:
                    break
                }
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
