/// A string-aware depth scanner for already-delimited JSON: finds where each of several concatenated
/// objects ends (HEC's batch format), and the byte range of each top-level member's value, so the fake can
/// keep a value's raw bytes exactly as sent. It does not validate; callers parse each object with
/// `JSONParser` as well.
enum ConcatenatedJSON {
    /// The byte ranges of the top-level objects in `bytes`, or nil when something other than whitespace
    /// and balanced objects is found.
    static func objects(_ bytes: [UInt8]) -> [Range<Int>]? {
        var ranges: [Range<Int>] = []
        var index = self.skipWhitespace(bytes, 0)
        while index < bytes.count {
            guard bytes[index] == UInt8(ascii: "{"), let end = self.valueEnd(bytes, index) else { return nil }
            ranges.append(index..<end)
            index = self.skipWhitespace(bytes, end)
        }
        return ranges
    }

    /// The raw key bytes (with quotes) and value range of each member of the object at `range`.
    static func members(_ bytes: [UInt8], _ range: Range<Int>) -> [(key: Range<Int>, value: Range<Int>)]? {
        var members: [(key: Range<Int>, value: Range<Int>)] = []
        var index = self.skipWhitespace(bytes, range.lowerBound + 1)
        while index < range.upperBound, bytes[index] != UInt8(ascii: "}") {
            guard bytes[index] == UInt8(ascii: "\""), let keyEnd = self.valueEnd(bytes, index) else { return nil }
            let key = index..<keyEnd
            index = self.skipWhitespace(bytes, keyEnd)
            guard index < range.upperBound, bytes[index] == UInt8(ascii: ":") else { return nil }
            let valueStart = self.skipWhitespace(bytes, index + 1)
            guard let valueEnd = self.valueEnd(bytes, valueStart) else { return nil }
            members.append((key, valueStart..<valueEnd))
            index = self.skipWhitespace(bytes, valueEnd)
            if index < range.upperBound, bytes[index] == UInt8(ascii: ",") { index = self.skipWhitespace(bytes, index + 1) }
        }
        return members
    }

    /// The index just past the value starting at `start`: a string, an object or array (depth-counted,
    /// ignoring brackets inside strings), or a scalar running to the next delimiter.
    static func valueEnd(_ bytes: [UInt8], _ start: Int) -> Int? {
        guard start < bytes.count else { return nil }
        var index = start
        var depth = 0
        var inString = false
        var escaped = false
        let first = bytes[start]
        if first != UInt8(ascii: "{"), first != UInt8(ascii: "["), first != UInt8(ascii: "\"") {
            while index < bytes.count, !self.isDelimiter(bytes[index]) { index += 1 }
            return index > start ? index : nil
        }
        while index < bytes.count {
            let byte = bytes[index]
            index += 1
            if inString {
                if escaped { escaped = false } else if byte == UInt8(ascii: "\\") { escaped = true } else if byte == UInt8(ascii: "\"") {
                    inString = false
                    if depth == 0 { return index }
                }
                continue
            }
            switch byte {
            case UInt8(ascii: "\""): inString = true
            case UInt8(ascii: "{"), UInt8(ascii: "["): depth += 1
            case UInt8(ascii: "}"), UInt8(ascii: "]"):
                depth -= 1
                if depth == 0 { return index }
            default: break
            }
        }
        return nil
    }

    static func skipWhitespace(_ bytes: [UInt8], _ start: Int) -> Int {
        var index = start
        while index < bytes.count, [0x20, 0x09, 0x0A, 0x0D].contains(bytes[index]) { index += 1 }
        return index
    }

    static func isDelimiter(_ byte: UInt8) -> Bool {
        [UInt8(ascii: ","), UInt8(ascii: "}"), UInt8(ascii: "]"), 0x20, 0x09, 0x0A, 0x0D].contains(byte)
    }
}
