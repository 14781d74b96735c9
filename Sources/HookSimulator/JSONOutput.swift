import Foundation

/// A JSON value whose object keys keep their order, rendered straight into bytes.
///
/// Every body the simulator writes goes through this type rather than `JSONSerialization`, because
/// Microsoft's key order (and its variations) is part of what the simulator models.
public indirect enum JSONOutput: Sendable {
    case string(String)
    case number(Int)
    case double(Double)
    case bool(Bool)
    case null
    case array([JSONOutput])
    case object([(String, JSONOutput)])
    /// Already-encoded JSON, inserted verbatim (pre-rendered records, records given by a test).
    case raw([UInt8])

    /// Appends the encoding of this value to `out`.
    public func render(into out: inout [UInt8]) {
        switch self {
        case .string(let text): Self.appendString(text, into: &out)
        case .number(let value): out.append(contentsOf: String(value).utf8)
        case .double(let value): out.append(contentsOf: String(value).utf8)
        case .bool(let value): out.append(contentsOf: (value ? "true" : "false").utf8)
        case .null: out.append(contentsOf: "null".utf8)
        case .raw(let bytes): out.append(contentsOf: bytes)
        case .array(let items):
            out.append(UInt8(ascii: "["))
            for (index, item) in items.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                item.render(into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case .object(let pairs):
            out.append(UInt8(ascii: "{"))
            for (index, pair) in pairs.enumerated() {
                if index > 0 { out.append(UInt8(ascii: ",")) }
                Self.appendString(pair.0, into: &out)
                out.append(UInt8(ascii: ":"))
                pair.1.render(into: &out)
            }
            out.append(UInt8(ascii: "}"))
        }
    }

    /// The encoded bytes.
    public var bytes: [UInt8] {
        var out: [UInt8] = []
        self.render(into: &out)
        return out
    }

    /// The encoded text.
    public var text: String { String(decoding: self.bytes, as: UTF8.self) }

    /// An optional string as `.string` or `.null`.
    public static func optional(_ text: String?) -> JSONOutput { text.map { .string($0) } ?? .null }

    /// Writes `text` as a JSON string literal, escaping only what RFC 8259 requires.
    static func appendString(_ text: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        for byte in text.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out.append(contentsOf: [0x5C, 0x22])
            case UInt8(ascii: "\\"): out.append(contentsOf: [0x5C, 0x5C])
            case 0x0A: out.append(contentsOf: [0x5C, UInt8(ascii: "n")])
            case 0x0D: out.append(contentsOf: [0x5C, UInt8(ascii: "r")])
            case 0x09: out.append(contentsOf: [0x5C, UInt8(ascii: "t")])
            case ..<0x20:
                let hex = Array("0123456789abcdef".utf8)
                out.append(contentsOf: [0x5C, UInt8(ascii: "u"), 0x30, 0x30, hex[Int(byte >> 4)], hex[Int(byte & 0xF)]])
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}

/// Reading request bodies: `JSONSerialization` output, accessed through typed helpers.
enum JSONInput {
    /// The body parsed as a JSON object, or nil.
    static func object(_ bytes: [UInt8]) -> [String: Any]? {
        guard !bytes.isEmpty else { return nil }
        return (try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])) as? [String: Any]
    }

    /// Any JSON value (objects, arrays, fragments), or nil when the body is not JSON.
    static func any(_ bytes: [UInt8]) -> Any? {
        try? JSONSerialization.jsonObject(with: Data(bytes), options: [.fragmentsAllowed])
    }

    /// Re-encodes a parsed value (records given by a test) as compact JSON with sorted keys.
    static func encode(_ value: Any) -> [UInt8]? {
        guard let data = try? JSONSerialization.data(withJSONObject: value, options: [.sortedKeys, .withoutEscapingSlashes, .fragmentsAllowed])
        else { return nil }
        return Array(data)
    }
}

extension Dictionary where Key == String, Value == Any {
    func string(_ key: String) -> String? { self[key] as? String }
    func int(_ key: String) -> Int? {
        if let value = self[key] as? Int { return value }
        if let value = self[key] as? Double { return Int(value) }
        if let value = self[key] as? String { return Int(value) }
        return nil
    }
    func double(_ key: String) -> Double? {
        if let value = self[key] as? Double { return value }
        if let value = self[key] as? Int { return Double(value) }
        if let value = self[key] as? String { return Double(value) }
        return nil
    }
    func bool(_ key: String) -> Bool? {
        if let value = self[key] as? Bool { return value }
        if let value = self[key] as? String { return value == "true" }
        return nil
    }
    func objects(_ key: String) -> [[String: Any]] { self[key] as? [[String: Any]] ?? [] }
    func object(_ key: String) -> [String: Any]? { self[key] as? [String: Any] }
    func strings(_ key: String) -> [String]? { self[key] as? [String] }
}
