import Foundation
import HookCrypto
import Testing

@Suite struct SecureRandomTests {
    @Test func byteCounts() throws {
        #expect(try SecureRandom.bytes(0) == [])
        #expect(try SecureRandom.bytes(1).count == 1)
        #expect(try SecureRandom.bytes(4096).count == 4096)
        #expect(throws: CryptoError.self) { try SecureRandom.bytes(-1) }
    }

    @Test func drawsDiffer() throws {
        // 32 random bytes colliding has probability 2^-256.
        #expect(try SecureRandom.bytes(32) != SecureRandom.bytes(32))
        #expect(try SecureRandom.bytes(32) != [UInt8](repeating: 0, count: 32))
    }

    @Test func uuidFormat() throws {
        let pattern = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/
        for _ in 0..<200 {
            let uuid = try SecureRandom.uuid()
            #expect(uuid.wholeMatch(of: pattern) != nil, "\(uuid)")
            #expect(UUID(uuidString: uuid)?.uuidString.lowercased() == uuid)
        }
    }

    @Test func uuidsAreUnique() throws {
        var seen = Set<String>()
        for _ in 0..<10_000 { seen.insert(try SecureRandom.uuid()) }
        #expect(seen.count == 10_000)
    }
}
