import Foundation
import HookCompression
import HookTestSupport
import Testing

@Suite("gzip on zlib")
struct GzipTests {
    /// Text-like input with some repetition, like JSON audit records.
    static func sample(_ count: Int, seed: UInt64 = 7) -> [UInt8] {
        var generator = SeededGenerator(seed: seed)
        let words = ["\"Operation\":", "\"UserId\":", "MailItemsAccessed", "{", "}", ",", "2026-11-29T06:30:00", "\"Id\":"]
        var out: [UInt8] = []
        out.reserveCapacity(count)
        while out.count < count {
            if generator.below(4) == 0 {
                out.append(UInt8(truncatingIfNeeded: generator.next()))
            } else {
                out += Array(words[generator.below(words.count)].utf8)
            }
        }
        return Array(out.prefix(count))
    }

    @Test func roundTripInPieces() async throws {
        try await withTemporaryDirectory { _ in
            let input = Self.sample(300_000)
            let encoder = try GzipEncoder()
            var offset = 0
            for size in [1, 17, 65_536, 100_000, 300_000] where offset < input.count {
                let end = min(input.count, offset + size)
                try encoder.append(Array(input[offset..<end]))
                offset = end
            }
            let compressed = try encoder.finish()
            #expect(compressed.starts(with: [0x1F, 0x8B, 0x08]))
            #expect(compressed.count < input.count)
            #expect(try Gzip.decompress(compressed, limit: input.count) == input)
            #expect(try Gzip.compress(input) == compressed)
        }
    }

    @Test func emptyInput() async throws {
        try await withTemporaryDirectory { _ in
            let compressed = try Gzip.compress([])
            #expect(compressed.count >= 18)  // 10-byte header, empty deflate block, 8-byte trailer
            #expect(try Gzip.decompress(compressed, limit: 0) == [])
        }
    }

    @Test func tenMegabytes() async throws {
        try await withTemporaryDirectory { _ in
            let input = Self.sample(10 << 20, seed: 42)
            let compressed = try Gzip.compress(input, level: 1)
            #expect(try Gzip.decompress(compressed, limit: 10 << 20) == input)
        }
    }

    @Test func systemGzipReadsOutput() async throws {
        try await withTemporaryDirectory { directory in
            let input = Self.sample(200_000, seed: 3)
            let file = directory.appendingPathComponent("body.json.gz")
            try Data(try Gzip.compress(input)).write(to: file)
            let child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/gzip"), ["-d", file.path])
            #expect(await child.waitForExit() == 0)
            let restored = try Data(contentsOf: directory.appendingPathComponent("body.json"))
            #expect(Array(restored) == input)
        }
    }

    @Test func decompressLimitAndCorruption() async throws {
        try await withTemporaryDirectory { _ in
            let input = [UInt8](repeating: 0x41, count: 1_000_000)  // a "zip bomb" in miniature: ~1 KB compressed
            let compressed = try Gzip.compress(input)
            #expect(try Gzip.decompress(compressed, limit: 1_000_000).count == 1_000_000)
            let tooMuch = #expect(throws: CompressionError.self) { try Gzip.decompress(compressed, limit: 999_999) }
            #expect(tooMuch?.code == .limitExceeded)
            let cut = #expect(throws: CompressionError.self) { try Gzip.decompress(Array(compressed.dropLast(4)), limit: 2_000_000) }
            #expect(cut?.code == .truncated)
            var corrupt = compressed
            corrupt[corrupt.count - 6] ^= 0xFF  // the CRC-32 trailer
            let bad = #expect(throws: CompressionError.self) { try Gzip.decompress(corrupt, limit: 2_000_000) }
            #expect(bad?.code == .data)
            let notGzip = #expect(throws: CompressionError.self) { try Gzip.decompress(Array("plain".utf8), limit: 100) }
            #expect(notGzip?.code == .data || notGzip?.code == .truncated)
        }
    }

    @Test func badLevelAndReuse() async throws {
        try await withTemporaryDirectory { _ in
            #expect(throws: CompressionError.self) { try GzipEncoder(level: 12) }
            let encoder = try GzipEncoder(level: 9)
            try encoder.append(Array("x".utf8))
            _ = try encoder.finish()
            #expect(throws: CompressionError.self) { try encoder.append(Array("y".utf8)) }
        }
    }
}
