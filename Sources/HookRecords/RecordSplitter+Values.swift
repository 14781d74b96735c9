// The value-level pieces of the scanner: starting a value, strings (escapes, surrogates, UTF-8) and
// numbers. Each is written byte by byte because a chunk may end after any byte.
extension RecordSplitter {
    /// Starts the value whose first byte is `byte` at `index` (the caller advances past it).
    mutating func beginValue(_ byte: UInt8, at index: Int) throws(RecordSplitError) {
        let tracked = self.containers.count == 1 && self.trackingValue
        if tracked { self.fields[self.fields.count - 1].valueStart = self.relative(index) }
        switch byte {
        case UInt8(ascii: "\""):
            if tracked { self.fields[self.fields.count - 1].valueKind = .string }
            self.stringIsKey = false
            self.stringEscaped = false
            self.state = .string
        case UInt8(ascii: "{"), UInt8(ascii: "["):
            // The blob's array is one level, the containers inside the record the others.
            guard self.containers.count + 2 <= self.limits.maxDepth else {
                throw self.error(.tooDeep, index, "nested deeper than \(self.limits.maxDepth) levels")
            }
            let isObject = byte == UInt8(ascii: "{")
            self.containers.append(isObject)
            self.state = isObject ? .keyOrObjectEnd : .valueOrArrayEnd
        case UInt8(ascii: "t"), UInt8(ascii: "f"), UInt8(ascii: "n"):
            self.literal = byte == UInt8(ascii: "t") ? "true" : byte == UInt8(ascii: "f") ? "false" : "null"
            self.literalIndex = 1
            self.state = .literal
        case UInt8(ascii: "-"), UInt8(ascii: "0")...UInt8(ascii: "9"):
            if tracked { self.fields[self.fields.count - 1].valueKind = .number }
            self.numberStart = self.consumed + index
            self.state = byte == UInt8(ascii: "-") ? .numberSign : byte == UInt8(ascii: "0") ? .numberZero : .numberInt
        default:
            throw self.error(.invalidJSON, index, "expected a value")
        }
    }

    /// Handles one byte of a string outside the plain-ASCII fast path: a quote, a backslash, an
    /// escape's bytes, a control character or a byte of a multi-byte UTF-8 sequence.
    mutating func stringByte(_ byte: UInt8, at index: inout Int, in bytes: UnsafeBufferPointer<UInt8>) throws(RecordSplitError) {
        switch self.state {
        case .string:
            switch byte {
            case UInt8(ascii: "\""):
                index += 1
                try self.endString(at: index, in: bytes)
            case UInt8(ascii: "\\"):
                self.stringEscaped = true
                self.state = .escape
                index += 1
            case 0..<0x20:
                throw self.error(.invalidJSON, index, "control character in a string")
            default:
                // Lead bytes, with the range of the byte after them: this rejects overlong forms (E0, F0),
                // UTF-16 surrogates (ED) and values above U+10FFFF (F4), as the strict parser does.
                switch byte {
                case 0xC2...0xDF: (self.utf8Remaining, self.utf8Low, self.utf8High) = (1, 0x80, 0xBF)
                case 0xE0: (self.utf8Remaining, self.utf8Low, self.utf8High) = (2, 0xA0, 0xBF)
                case 0xED: (self.utf8Remaining, self.utf8Low, self.utf8High) = (2, 0x80, 0x9F)
                case 0xE1...0xEF: (self.utf8Remaining, self.utf8Low, self.utf8High) = (2, 0x80, 0xBF)
                case 0xF0: (self.utf8Remaining, self.utf8Low, self.utf8High) = (3, 0x90, 0xBF)
                case 0xF1...0xF3: (self.utf8Remaining, self.utf8Low, self.utf8High) = (3, 0x80, 0xBF)
                case 0xF4: (self.utf8Remaining, self.utf8Low, self.utf8High) = (3, 0x80, 0x8F)
                default: throw self.error(.invalidUTF8, index, "invalid UTF-8 lead byte")
                }
                self.state = .utf8
                index += 1
            }
        case .utf8:
            guard byte >= self.utf8Low, byte <= self.utf8High else {
                throw self.error(.invalidUTF8, index, "invalid UTF-8 continuation byte")
            }
            (self.utf8Low, self.utf8High) = (0x80, 0xBF)
            self.utf8Remaining -= 1
            if self.utf8Remaining == 0 { self.state = .string }
            index += 1
        case .escape:
            if self.expectLowSurrogate, byte != UInt8(ascii: "u") {
                throw self.error(.invalidJSON, index, "lone high surrogate escape")
            }
            switch byte {
            case UInt8(ascii: "\""), UInt8(ascii: "\\"), UInt8(ascii: "/"), UInt8(ascii: "b"), UInt8(ascii: "f"),
                 UInt8(ascii: "n"), UInt8(ascii: "r"), UInt8(ascii: "t"):
                self.state = .string
            case UInt8(ascii: "u"):
                (self.hexValue, self.hexRemaining) = (0, 4)
                self.state = .unicodeEscape
            default:
                throw self.error(.invalidJSON, index, "invalid escape")
            }
            index += 1
        case .lowSurrogateBackslash:
            guard byte == UInt8(ascii: "\\") else { throw self.error(.invalidJSON, index, "lone high surrogate escape") }
            self.state = .escape
            index += 1
        default:  // .unicodeEscape
            try self.hexByte(byte, at: index)
            index += 1
        }
    }

    private mutating func hexByte(_ byte: UInt8, at index: Int) throws(RecordSplitError) {
        let digit: UInt8
        switch byte {
        case 0x30...0x39: digit = byte - 0x30
        case 0x41...0x46: digit = byte - 0x41 + 10
        case 0x61...0x66: digit = byte - 0x61 + 10
        default: throw self.error(.invalidJSON, index, "invalid hex digit in a \\u escape")
        }
        self.hexValue = self.hexValue << 4 | UInt32(digit)
        self.hexRemaining -= 1
        guard self.hexRemaining == 0 else { return }
        let isHigh = (0xD800..<0xDC00).contains(self.hexValue)
        let isLow = (0xDC00..<0xE000).contains(self.hexValue)
        if self.expectLowSurrogate {
            guard isLow else { throw self.error(.invalidJSON, index, "invalid low surrogate escape") }
            self.expectLowSurrogate = false
            self.state = .string
        } else if isHigh {
            self.expectLowSurrogate = true
            self.state = .lowSurrogateBackslash
        } else {
            guard !isLow else { throw self.error(.invalidJSON, index, "lone low surrogate escape") }
            self.state = .string
        }
    }

    /// The closing quote is just before `index`.
    private mutating func endString(at index: Int, in bytes: UnsafeBufferPointer<UInt8>) throws(RecordSplitError) {
        self.state = self.stringIsKey ? .colon : .afterValue
        guard self.containers.count == 1 else { return }
        if !self.stringIsKey {
            guard self.trackingValue else { return }
            self.fields[self.fields.count - 1].valueEnd = self.relative(index)
            self.fields[self.fields.count - 1].valueEscaped = self.stringEscaped
            return
        }
        self.trackingValue = false
        guard let field = self.topLevelKey(endingAt: index, in: bytes) else { return }
        guard self.seenFields & (1 << field.rawValue) == 0 else {
            throw RecordSplitError(.duplicateField, at: self.recordStart + self.keyStart,
                                   "the record has two \"\(field.name)\" members")
        }
        self.seenFields |= 1 << field.rawValue
        self.fields.append(TrackedField(field: field))
        self.trackingValue = true
    }

    /// The field named by the top-level key that ends just before `index`. Matched as soon as the key
    /// ends, so only the (at most seven) extracted fields are remembered: a record of a million
    /// members costs no more memory than its bytes.
    private mutating func topLevelKey(endingAt index: Int, in bytes: UnsafeBufferPointer<UInt8>) -> RecordField? {
        let length = self.relative(index) - self.keyStart
        guard length <= RecordField.maxKeyBytes else { return nil }
        let startInChunk = self.pieceStart + self.keyStart - self.pending.count
        if startInChunk >= 0 {
            return RecordField.named(UnsafeBufferPointer(rebasing: bytes[startInChunk..<index]), escaped: self.stringEscaped)
        }
        // The key began in an earlier chunk: its head is at the end of `pending`.
        self.keyScratch.removeAll(keepingCapacity: true)
        self.keyScratch.append(contentsOf: self.pending[self.keyStart...])
        self.keyScratch.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[self.pieceStart..<index]))
        return self.keyScratch.withUnsafeBufferPointer { RecordField.named($0, escaped: self.stringEscaped) }
    }

    /// One byte of a number (RFC 8259 grammar). A byte that cannot continue the number ends it and is
    /// scanned again as what follows a value.
    mutating func numberByte(_ byte: UInt8, at index: inout Int) throws(RecordSplitError) {
        let digit = isDigit(byte)
        let isExponent = byte == UInt8(ascii: "e") || byte == UInt8(ascii: "E")
        switch self.state {
        case .numberSign:
            guard digit else { throw self.error(.invalidJSON, index, "invalid number") }
            self.state = byte == UInt8(ascii: "0") ? .numberZero : .numberInt
        case .numberZero, .numberInt, .numberFraction:
            if digit, self.state != .numberZero {
                break
            } else if byte == UInt8(ascii: "."), self.state != .numberFraction {
                self.state = .numberDot
            } else if isExponent {
                self.state = .numberExponent
            } else {
                return try self.endNumber(at: index)
            }
        case .numberDot:
            guard digit else { throw self.error(.invalidJSON, index, "invalid number fraction") }
            self.state = .numberFraction
        case .numberExponent:
            if byte == UInt8(ascii: "+") || byte == UInt8(ascii: "-") {
                self.state = .numberExponentSign
            } else {
                guard digit else { throw self.error(.invalidJSON, index, "invalid number exponent") }
                self.state = .numberExponentDigits
            }
        case .numberExponentSign:
            guard digit else { throw self.error(.invalidJSON, index, "invalid number exponent") }
            self.state = .numberExponentDigits
        default:  // .numberExponentDigits
            guard digit else { return try self.endNumber(at: index) }
        }
        index += 1
    }

    private mutating func endNumber(at index: Int) throws(RecordSplitError) {
        // The strict parser's bound, so every record we return is one `JSONParser` accepts.
        guard self.consumed + index - self.numberStart <= 64 else { throw self.error(.invalidJSON, index, "number too long") }
        if self.containers.count == 1, self.trackingValue { self.fields[self.fields.count - 1].valueEnd = self.relative(index) }
        self.state = .afterValue
    }
}
