/// Base64 (RFC 4648 §4) and base64url (§5) in pure Swift.
///
/// Decoding is strict: any character outside the alphabet (including whitespace and line breaks)
/// is rejected, padding may appear only at the end, and the unused low bits of the last character
/// must be zero, so every accepted string is the one canonical encoding of its bytes.
public enum Base64 {
    /// Standard base64 with `=` padding.
    public static func encode(_ bytes: some Collection<UInt8>) -> String {
        self.encode(bytes, alphabet: Alphabet.standard, padding: true)
    }

    /// Decodes standard base64; padding is required. Nil for anything not canonical base64.
    public static func decode(_ text: String) -> [UInt8]? {
        self.decode(text, alphabet: Alphabet.standard, paddingRequired: true)
    }

    /// base64url (`-` and `_` for `+` and `/`) without padding, as JOSE and JWT use it.
    public static func urlEncode(_ bytes: some Collection<UInt8>) -> String {
        self.encode(bytes, alphabet: Alphabet.url, padding: false)
    }

    /// Decodes base64url with or without `=` padding. Nil for anything not canonical base64url.
    public static func urlDecode(_ text: String) -> [UInt8]? {
        self.decode(text, alphabet: Alphabet.url, paddingRequired: false)
    }

    // MARK: - Implementation

    private static let padding = UInt8(ascii: "=")

    private static func encode(_ bytes: some Collection<UInt8>, alphabet: Alphabet, padding: Bool) -> String {
        withContiguousBytes(bytes) { input in
            let fullGroups = input.count / 3
            let remainder = input.count % 3
            let length = fullGroups * 4 + (remainder == 0 ? 0 : (padding ? 4 : remainder + 1))
            return String(unsafeUninitializedCapacity: length) { output in
                let symbols = alphabet.symbols
                var out = 0
                var index = 0
                while index + 3 <= input.count {
                    let group = UInt32(input[index]) << 16 | UInt32(input[index + 1]) << 8 | UInt32(input[index + 2])
                    output[out] = symbols[Int(group >> 18 & 0x3F)]
                    output[out + 1] = symbols[Int(group >> 12 & 0x3F)]
                    output[out + 2] = symbols[Int(group >> 6 & 0x3F)]
                    output[out + 3] = symbols[Int(group & 0x3F)]
                    index += 3
                    out += 4
                }
                if remainder > 0 {
                    let second = remainder == 2 ? UInt32(input[index + 1]) : 0
                    let group = UInt32(input[index]) << 16 | second << 8
                    output[out] = symbols[Int(group >> 18 & 0x3F)]
                    output[out + 1] = symbols[Int(group >> 12 & 0x3F)]
                    out += 2
                    if remainder == 2 {
                        output[out] = symbols[Int(group >> 6 & 0x3F)]
                        out += 1
                    }
                    while padding && out < length {
                        output[out] = self.padding
                        out += 1
                    }
                }
                return out
            }
        }
    }

    private static func decode(_ text: String, alphabet: Alphabet, paddingRequired: Bool) -> [UInt8]? {
        var text = text
        return text.withUTF8 { input -> [UInt8]? in
            var end = input.count
            while end > 0 && input[end - 1] == self.padding && input.count - end < 2 { end -= 1 }
            let padded = end < input.count
            // With padding the whole text is groups of four; without it, a lone trailing character
            // (6 bits) cannot encode a byte.
            if padded || paddingRequired {
                guard input.count % 4 == 0 else { return nil }
            }
            guard end % 4 != 1 else { return nil }

            let values = alphabet.values
            var bytes: [UInt8] = []
            bytes.reserveCapacity(end / 4 * 3 + 2)
            var accumulator: UInt32 = 0
            var bits = 0
            for index in 0..<end {
                let value = values[Int(input[index])]
                guard value != Alphabet.invalid else { return nil }
                accumulator = accumulator << 6 | UInt32(value)
                bits += 6
                if bits >= 8 {
                    bits -= 8
                    bytes.append(UInt8(truncatingIfNeeded: accumulator >> UInt32(bits)))
                    accumulator &= (1 << UInt32(bits)) - 1
                }
            }
            // Leftover bits belong to no byte; a canonical encoder leaves them zero.
            guard accumulator == 0 else { return nil }
            return bytes
        }
    }
}

/// One base64 alphabet: its 64 symbols and the reverse lookup table.
private struct Alphabet: Sendable {
    static let invalid: UInt8 = 0xFF
    static let standard = Alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")
    static let url = Alphabet("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")

    let symbols: [UInt8]
    /// Indexed by byte value; `invalid` for bytes outside the alphabet.
    let values: [UInt8]

    init(_ symbols: String) {
        self.symbols = Array(symbols.utf8)
        var values = [UInt8](repeating: Alphabet.invalid, count: 256)
        for (index, symbol) in self.symbols.enumerated() { values[Int(symbol)] = UInt8(index) }
        self.values = values
    }
}
