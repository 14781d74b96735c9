import HookTestSupport

/// Seed inputs and mutations for `fuzz-notifications`.
enum FuzzCorpus {
    static func seeds(tenant: String) -> [[UInt8]] {
        let uri = "https://manage.office.com/api/v1.0/\(tenant)/activity/feed/audit/"
        let element = #"{"tenantId":"\#(tenant)","clientId":"c","contentType":"Audit.General","contentId":"abc$1","#
            + #""contentUri":"\#(uri)abc$1","contentCreated":"2026-11-29T06:00:00.000Z","contentExpiration":"2026-12-06T06:00:00.000Z"}"#
        let texts = [
            "[\(element)]", "[\(element),\(element)]", #"{"validationCode":"abc"}"#, "[]", "{}", "[1,\"x\",null,true]",
            "[\(element.replacingOccurrences(of: "manage.office.com", with: "evil.example"))]",
            "[\(element.replacingOccurrences(of: "abc$1\",\"contentCreated", with: "../x\",\"contentCreated"))]",
            #"["\ud83d\ude00", "\u00e9", 1e308, -0.0, 123456789012345678901234567890]"#,
        ]
        return texts.map { Array($0.utf8) }
    }

    /// Applies 1–4 random mutations: bit flips, byte insertions/deletions, interesting bytes, splices,
    /// duplicated ranges, truncation, deep nesting.
    static func mutate(_ seed: [UInt8], _ rng: inout SeededGenerator) -> [UInt8] {
        var bytes = seed
        let interesting: [UInt8] = [0x00, 0x22, 0x5C, 0x7B, 0x7D, 0x5B, 0x5D, 0x2C, 0x3A, 0x80, 0xC0, 0xED, 0xF4, 0xFF, 0x2F, 0x2E, 0x25]
        for _ in 0...rng.below(4) {
            switch rng.below(8) {
            case 0 where !bytes.isEmpty: bytes[rng.below(bytes.count)] ^= UInt8(1 << rng.below(8))
            case 1: bytes.insert(interesting[rng.below(interesting.count)], at: rng.below(bytes.count + 1))
            case 2 where !bytes.isEmpty: bytes.remove(at: rng.below(bytes.count))
            case 3 where !bytes.isEmpty: bytes[rng.below(bytes.count)] = UInt8(truncatingIfNeeded: rng.next())
            case 4 where bytes.count > 2:
                let start = rng.below(bytes.count - 1)
                let end = min(bytes.count, start + 1 + rng.below(64))
                bytes.insert(contentsOf: bytes[start..<end], at: rng.below(bytes.count + 1))
            case 5 where !bytes.isEmpty: bytes.removeLast(rng.below(bytes.count))
            case 6:
                let depth = 1 + rng.below(40)
                bytes = Array(repeating: UInt8(ascii: "["), count: depth) + bytes + Array(repeating: UInt8(ascii: "]"), count: depth)
            default: bytes += (0..<rng.below(16)).map { _ in UInt8(truncatingIfNeeded: rng.next()) }
            }
        }
        return bytes.count > 1 << 20 ? Array(bytes.prefix(1 << 20)) : bytes
    }
}
