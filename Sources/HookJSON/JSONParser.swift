/// A strict, bounded JSON parser for untrusted input (RFC 8259).
///
/// Bounded: nesting deeper than `maxDepth` is an error, never a stack overflow; the input size is the
/// caller's cap (the HTTP body limit). Strict: invalid UTF-8, lone surrogates, control characters in
/// strings, trailing garbage and (optionally) duplicate object keys are errors with a byte offset.
public struct JSONParser {
    public struct Limits: Sendable {
        public var maxDepth: Int
        public var rejectDuplicateKeys: Bool
        public init(maxDepth: Int = 64, rejectDuplicateKeys: Bool = true) {
            self.maxDepth = maxDepth
            self.rejectDuplicateKeys = rejectDuplicateKeys
        }
    }

    public struct Error: Swift.Error, CustomStringConvertible, Equatable {
        public let message: String
        public let offset: Int
        public var description: String { "invalid JSON at byte \(self.offset): \(self.message)" }
    }

    /// Parses one JSON document from `bytes`.
    public static func parse(_ bytes: some Collection<UInt8>, limits: Limits = Limits()) throws(Error) -> JSONValue {
        let array = Array(bytes)
        return try array.withUnsafeBufferPointer { buffer throws(Error) in
            var parser = Cursor(bytes: buffer, limits: limits)
            parser.skipWhitespace()
            let value = try parser.value(depth: 0)
            parser.skipWhitespace()
            guard parser.index == buffer.count else { throw parser.error("unexpected data after the JSON value") }
            return value
        }
    }
}

struct Cursor {
    let bytes: UnsafeBufferPointer<UInt8>
    let limits: JSONParser.Limits
    var index = 0

    init(bytes: UnsafeBufferPointer<UInt8>, limits: JSONParser.Limits) {
        self.bytes = bytes
        self.limits = limits
    }

    func error(_ message: String) -> JSONParser.Error { JSONParser.Error(message: message, offset: self.index) }

    var peek: UInt8? { self.index < self.bytes.count ? self.bytes[self.index] : nil }

    mutating func skipWhitespace() {
        while let byte = self.peek, byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09 { self.index += 1 }
    }

    mutating func expect(_ literal: StaticString) throws(JSONParser.Error) {
        let count = literal.utf8CodeUnitCount
        guard self.index + count <= self.bytes.count else { throw self.error("truncated literal") }
        let start = literal.utf8Start
        for offset in 0..<count where self.bytes[self.index + offset] != start[offset] {
            throw self.error("invalid literal")
        }
        self.index += count
    }

    mutating func value(depth: Int) throws(JSONParser.Error) -> JSONValue {
        guard depth < self.limits.maxDepth else { throw self.error("nested deeper than \(self.limits.maxDepth) levels") }
        guard let byte = self.peek else { throw self.error("unexpected end of input") }
        switch byte {
        case UInt8(ascii: "{"): return try self.object(depth: depth)
        case UInt8(ascii: "["): return try self.array(depth: depth)
        case UInt8(ascii: "\""): return .string(try self.string())
        case UInt8(ascii: "t"): try self.expect("true"); return .bool(true)
        case UInt8(ascii: "f"): try self.expect("false"); return .bool(false)
        case UInt8(ascii: "n"): try self.expect("null"); return .null
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"): return .number(try self.number())
        default: throw self.error("unexpected character")
        }
    }

    mutating func array(depth: Int) throws(JSONParser.Error) -> JSONValue {
        self.index += 1
        var items: [JSONValue] = []
        self.skipWhitespace()
        if self.peek == UInt8(ascii: "]") { self.index += 1; return .array(items) }
        while true {
            self.skipWhitespace()
            items.append(try self.value(depth: depth + 1))
            self.skipWhitespace()
            switch self.peek {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "]"): self.index += 1; return .array(items)
            default: throw self.error("expected ',' or ']'")
            }
        }
    }

    mutating func object(depth: Int) throws(JSONParser.Error) -> JSONValue {
        self.index += 1
        var members: [(key: String, value: JSONValue)] = []
        var seen = Set<String>()
        self.skipWhitespace()
        if self.peek == UInt8(ascii: "}") { self.index += 1; return .object(members) }
        while true {
            self.skipWhitespace()
            guard self.peek == UInt8(ascii: "\"") else { throw self.error("expected a string key") }
            let keyOffset = self.index
            let key = try self.string()
            if self.limits.rejectDuplicateKeys && !seen.insert(key).inserted {
                throw JSONParser.Error(message: "duplicate key \"\(key.prefix(64))\"", offset: keyOffset)
            }
            self.skipWhitespace()
            guard self.peek == UInt8(ascii: ":") else { throw self.error("expected ':'") }
            self.index += 1
            self.skipWhitespace()
            members.append((key: key, value: try self.value(depth: depth + 1)))
            self.skipWhitespace()
            switch self.peek {
            case UInt8(ascii: ","): self.index += 1
            case UInt8(ascii: "}"): self.index += 1; return .object(members)
            default: throw self.error("expected ',' or '}'")
            }
        }
    }
}
