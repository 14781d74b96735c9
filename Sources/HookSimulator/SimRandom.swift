/// A small, seedable pseudo-random generator (SplitMix64), so a scenario with a fixed seed
/// produces the same records, quirks and delivery decisions on every run.
public struct SimRandom: RandomNumberGenerator, Sendable {
    private var state: UInt64

    /// Creates a generator; equal seeds give equal sequences.
    public init(seed: UInt64) { self.state = seed }

    public mutating func next() -> UInt64 {
        self.state &+= 0x9E37_79B9_7F4A_7C15
        var z = self.state
        z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
        z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
        return z ^ (z >> 31)
    }

    /// True with probability `probability` (0 never, 1 always).
    mutating func chance(_ probability: Double) -> Bool {
        guard probability > 0 else { return false }
        guard probability < 1 else { return true }
        return Double(self.next() >> 11) / Double(1 << 53) < probability
    }

    /// A uniformly chosen integer in `range`.
    mutating func int(_ range: ClosedRange<Int>) -> Int { Int.random(in: range, using: &self) }

    /// One element of a non-empty array.
    mutating func pick<T>(_ items: [T]) -> T { items[Int.random(in: 0..<items.count, using: &self)] }

    /// A lowercase GUID in the 8-4-4-4-12 form.
    mutating func guid() -> String {
        let hex = Array("0123456789abcdef".utf8)
        var bytes = [UInt8](repeating: 0, count: 36)
        var bits = self.next()
        var more = self.next()
        var position = 0
        for index in 0..<36 {
            if index == 8 || index == 13 || index == 18 || index == 23 {
                bytes[index] = UInt8(ascii: "-")
                continue
            }
            if position == 16 { bits = more; more = 0 }
            bytes[index] = hex[Int(bits & 0xF)]
            bits >>= 4
            position += 1
        }
        // Version 4 / variant 10xx, so the value passes GUID validators.
        bytes[14] = UInt8(ascii: "4")
        bytes[19] = hex[8 + Int(self.next() & 3)]
        return String(decoding: bytes, as: UTF8.self)
    }

    /// A hex string of `count` characters.
    mutating func hex(_ count: Int) -> String {
        let digits = Array("0123456789abcdef".utf8)
        var out = [UInt8]()
        out.reserveCapacity(count)
        var bits = self.next()
        for index in 0..<count {
            if index % 16 == 0 && index > 0 { bits = self.next() }
            out.append(digits[Int(bits & 0xF)])
            bits >>= 4
        }
        return String(decoding: out, as: UTF8.self)
    }
}
