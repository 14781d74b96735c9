/// A record `Id` in Microsoft's canonical GUID form (`8-4-4-4-12` hex digits, either case), as 128 bits.
///
/// Kept as two integers it hashes and compares without an allocation, and `ABC…` and `abc…` are the same
/// record; the de-duplication claims store it as its 16 bytes, and a blob's own repeats are tracked by it.
public struct RecordGUID: Hashable, Comparable, Sendable {
    /// The first 8 bytes, big-endian.
    public let high: UInt64
    /// The last 8 bytes, big-endian.
    public let low: UInt64

    /// Parses a canonical GUID; nil for anything else. Hand-rolled: Foundation's `UUID(uuidString:)` goes
    /// through `sscanf`, which cost more than the claim's B-tree insert.
    public init?(_ text: String) {
        var text = text
        guard let parsed = text.withUTF8({ Self.parse($0) }) else { return nil }
        self = parsed
    }

    /// The GUID whose 16 bytes (in text order) are `bytes`, as ``bytes`` gives them; nil for another length.
    public init?(bytes: [UInt8]) {
        guard bytes.count == 16 else { return nil }
        self.high = bytes[0..<8].reduce(0) { $0 << 8 | UInt64($1) }
        self.low = bytes[8..<16].reduce(0) { $0 << 8 | UInt64($1) }
    }

    private init(high: UInt64, low: UInt64) {
        self.high = high
        self.low = low
    }

    /// The 16 bytes, in text order.
    public var bytes: [UInt8] {
        // Two big-endian words, laid out one after the other: the bytes in text order, copied once.
        withUnsafeBytes(of: (self.high.bigEndian, self.low.bigEndian)) { Array($0) }
    }

    public static func < (lhs: RecordGUID, rhs: RecordGUID) -> Bool { (lhs.high, lhs.low) < (rhs.high, rhs.low) }

    private static func parse(_ chars: UnsafeBufferPointer<UInt8>) -> RecordGUID? {
        guard chars.count == 36 else { return nil }
        var words: (UInt64, UInt64) = (0, 0)
        var digits = 0
        for (index, char) in chars.enumerated() {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                guard char == UInt8(ascii: "-") else { return nil }
                continue
            }
            guard let value = Self.hex(char) else { return nil }
            if digits < 16 { words.0 = words.0 << 4 | UInt64(value) } else { words.1 = words.1 << 4 | UInt64(value) }
            digits += 1
        }
        return RecordGUID(high: words.0, low: words.1)
    }

    private static func hex(_ char: UInt8) -> UInt8? {
        switch char {
        case UInt8(ascii: "0")...UInt8(ascii: "9"): char - UInt8(ascii: "0")
        case UInt8(ascii: "a")...UInt8(ascii: "f"): char - UInt8(ascii: "a") + 10
        case UInt8(ascii: "A")...UInt8(ascii: "F"): char - UInt8(ascii: "A") + 10
        default: nil
        }
    }
}
