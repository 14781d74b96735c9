extension Cursor {
    /// A JSON number's text, validated against the RFC 8259 grammar.
    mutating func number() throws(JSONParser.Error) -> String {
        let start = self.index
        if self.peek == UInt8(ascii: "-") { self.index += 1 }
        guard let first = self.peek, first >= 0x30, first <= 0x39 else { throw self.error("invalid number") }
        self.index += 1
        if first != 0x30 { self.digits() }
        if self.peek == UInt8(ascii: ".") {
            self.index += 1
            guard self.digits() > 0 else { throw self.error("invalid number fraction") }
        }
        if let e = self.peek, e == UInt8(ascii: "e") || e == UInt8(ascii: "E") {
            self.index += 1
            if let sign = self.peek, sign == UInt8(ascii: "+") || sign == UInt8(ascii: "-") { self.index += 1 }
            guard self.digits() > 0 else { throw self.error("invalid number exponent") }
        }
        guard self.index - start <= 64 else { throw self.error("number too long") }
        return String(decoding: UnsafeBufferPointer(rebasing: self.bytes[start..<self.index]), as: UTF8.self)
    }

    @discardableResult
    mutating func digits() -> Int {
        let start = self.index
        while let byte = self.peek, byte >= 0x30, byte <= 0x39 { self.index += 1 }
        return self.index - start
    }

    /// A JSON string (the cursor is on its opening quote), with escapes decoded and UTF-8 validated.
    ///
    /// Runs of plain bytes are validated in place and appended in one piece; only escapes are decoded
    /// scalar by scalar (most strings in notifications and records have none).
    mutating func string() throws(JSONParser.Error) -> String {
        self.index += 1
        var result = ""
        var runStart = self.index
        while true {
            guard let byte = self.peek else { throw self.error("unterminated string") }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"):
                if self.index > runStart {
                    result += String(decoding: UnsafeBufferPointer(rebasing: self.bytes[runStart..<self.index]), as: UTF8.self)
                }
                self.index += 1
                if byte == UInt8(ascii: "\"") { return result }
                result.unicodeScalars.append(try self.escape())
                runStart = self.index
            case 0..<0x20:
                throw self.error("control character in string")
            case 0..<0x80:
                self.index += 1
            default:
                _ = try self.utf8Scalar()  // validates and advances; the bytes stay in the run
            }
        }
    }

    private mutating func escape() throws(JSONParser.Error) -> Unicode.Scalar {
        guard let byte = self.peek else { throw self.error("unterminated escape") }
        self.index += 1
        switch byte {
        case UInt8(ascii: "\""): return "\""
        case UInt8(ascii: "\\"): return "\\"
        case UInt8(ascii: "/"): return "/"
        case UInt8(ascii: "b"): return "\u{08}"
        case UInt8(ascii: "f"): return "\u{0C}"
        case UInt8(ascii: "n"): return "\n"
        case UInt8(ascii: "r"): return "\r"
        case UInt8(ascii: "t"): return "\t"
        case UInt8(ascii: "u"):
            let high = try self.hex4()
            if (0xD800..<0xDC00).contains(high) {
                guard self.peek == UInt8(ascii: "\\"), self.index + 1 < self.bytes.count,
                      self.bytes[self.index + 1] == UInt8(ascii: "u") else { throw self.error("lone high surrogate") }
                self.index += 2
                let low = try self.hex4()
                guard (0xDC00..<0xE000).contains(low) else { throw self.error("invalid low surrogate") }
                return Unicode.Scalar(0x10000 + ((high - 0xD800) << 10) + (low - 0xDC00))!
            }
            guard let scalar = Unicode.Scalar(high) else { throw self.error("lone low surrogate") }
            return scalar
        default: throw self.error("invalid escape")
        }
    }

    private mutating func hex4() throws(JSONParser.Error) -> UInt32 {
        guard self.index + 4 <= self.bytes.count else { throw self.error("truncated \\u escape") }
        var value: UInt32 = 0
        for _ in 0..<4 {
            let byte = self.bytes[self.index]
            let digit: UInt8
            switch byte {
            case 0x30...0x39: digit = byte - 0x30
            case 0x41...0x46: digit = byte - 0x41 + 10
            case 0x61...0x66: digit = byte - 0x61 + 10
            default: throw self.error("invalid hex digit")
            }
            value = value << 4 | UInt32(digit)
            self.index += 1
        }
        return value
    }

    /// Decodes one multi-byte UTF-8 sequence, rejecting overlongs, surrogates and out-of-range values.
    private mutating func utf8Scalar() throws(JSONParser.Error) -> Unicode.Scalar {
        let lead = self.bytes[self.index]
        let (count, minimum, initial): (Int, UInt32, UInt32)
        switch lead {
        case 0xC2...0xDF: (count, minimum, initial) = (2, 0x80, UInt32(lead & 0x1F))
        case 0xE0...0xEF: (count, minimum, initial) = (3, 0x800, UInt32(lead & 0x0F))
        case 0xF0...0xF4: (count, minimum, initial) = (4, 0x10000, UInt32(lead & 0x07))
        default: throw self.error("invalid UTF-8")
        }
        guard self.index + count <= self.bytes.count else { throw self.error("truncated UTF-8") }
        var value = initial
        for offset in 1..<count {
            let next = self.bytes[self.index + offset]
            guard next & 0xC0 == 0x80 else { throw self.error("invalid UTF-8") }
            value = value << 6 | UInt32(next & 0x3F)
        }
        guard value >= minimum, value <= 0x10FFFF, !(0xD800..<0xE000).contains(value),
              let scalar = Unicode.Scalar(value) else { throw self.error("invalid UTF-8") }
        self.index += count
        return scalar
    }
}
