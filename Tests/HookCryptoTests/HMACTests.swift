import HookCrypto
import Testing

/// HMAC-SHA256 against the RFC 4231 test cases.
@Suite struct HMACTests {
    struct Vector: Sendable, CustomTestStringConvertible {
        let name: String
        let key: [UInt8]
        let message: [UInt8]
        let mac: String
        var testDescription: String { self.name }
    }

    static let vectors: [Vector] = [
        Vector(name: "RFC 4231 case 1", key: [UInt8](repeating: 0x0B, count: 20), message: Array("Hi There".utf8),
               mac: "b0344c61d8db38535ca8afceaf0bf12b881dc200c9833da726e9376c2e32cff7"),
        Vector(name: "RFC 4231 case 2", key: Array("Jefe".utf8), message: Array("what do ya want for nothing?".utf8),
               mac: "5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843"),
        Vector(name: "RFC 4231 case 3", key: [UInt8](repeating: 0xAA, count: 20),
               message: [UInt8](repeating: 0xDD, count: 50),
               mac: "773ea91e36800e46854db8ebd09181a72959098b3ef8c122d9635514ced565fe"),
        Vector(name: "RFC 4231 case 4", key: Array(1...25), message: [UInt8](repeating: 0xCD, count: 50),
               mac: "82558a389a443c0ea4cc819899f2083a85f0faa3e578f8077a2e3ff46729665b"),
        Vector(name: "RFC 4231 case 6", key: [UInt8](repeating: 0xAA, count: 131),
               message: Array("Test Using Larger Than Block-Size Key - Hash Key First".utf8),
               mac: "60e431591ee0b67f0d8a26aacbf5b77f8e0bc6213728c5140546040f0ee37f54"),
        Vector(name: "RFC 4231 case 7", key: [UInt8](repeating: 0xAA, count: 131),
               message: Array(("This is a test using a larger than block-size key and a larger than block-size data. "
                   + "The key needs to be hashed before being used by the HMAC algorithm.").utf8),
               mac: "9b09ffa71b942fcb27635fbcd5b0e944bfdc63644f0713938a7f51535c3a35e2"),
        // Not in RFC 4231; the well-known value for an empty key and message (e.g. Python's hmac).
        Vector(name: "empty key and message", key: [], message: [],
               mac: "b613679a0814d9ec772f95d778c35fc5ff1697c493715653c6c712144292c5ad"),
    ]

    @Test(arguments: HMACTests.vectors)
    func rfc4231(_ vector: Vector) throws {
        #expect(try HMAC.sha256(key: vector.key, message: vector.message).hexString == vector.mac)
    }

    @Test func rfc4231Case5Truncated() throws {
        // Case 5 specifies only the first 128 bits of the output.
        let mac = try HMAC.sha256(key: [UInt8](repeating: 0x0C, count: 20), message: Array("Test With Truncation".utf8))
        #expect(mac.count == 32)
        #expect(mac.prefix(16).hexString == "a3b6167473100ee06e0c796c2955552b")
    }

    @Test func keyAndMessageMatter() throws {
        let base = try HMAC.sha256(key: Array("key".utf8), message: Array("message".utf8))
        #expect(try HMAC.sha256(key: Array("kez".utf8), message: Array("message".utf8)) != base)
        #expect(try HMAC.sha256(key: Array("key".utf8), message: Array("messagf".utf8)) != base)
        #expect(try HMAC.sha256(key: Array("key".utf8), message: Array("message".utf8)) == base)
    }
}
