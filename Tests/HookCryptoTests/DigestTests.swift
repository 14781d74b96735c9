import HookCrypto
import Testing

/// SHA-256 and SHA-1 against the FIPS 180 example vectors (as published by NIST and in RFC 6234).
@Suite struct DigestTests {
    static let abc = Array("abc".utf8)
    static let message448 = Array("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq".utf8)
    static let millionA = [UInt8](repeating: UInt8(ascii: "a"), count: 1_000_000)

    @Test func sha256Vectors() {
        #expect(Digest.sha256(Self.abc).hexString == "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad")
        #expect(Digest.sha256([UInt8]()).hexString == "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855")
        #expect(Digest.sha256(Self.message448).hexString == "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1")
        #expect(Digest.sha256(Self.millionA).hexString == "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0")
    }

    @Test func sha1Vectors() {
        #expect(Digest.sha1(Self.abc).hexString == "a9993e364706816aba3e25717850c26c9cd0d89d")
        #expect(Digest.sha1([UInt8]()).hexString == "da39a3ee5e6b4b0d3255bfef95601890afd80709")
        #expect(Digest.sha1(Self.message448).hexString == "84983e441c3bd26ebaae4aa1f95129e5e54670f1")
        #expect(Digest.sha1(Self.millionA).hexString == "34aa973cd4c4daa4f61eeb2bdbad27316534016f")
    }

    @Test func acceptsAnySequence() {
        // A string's UTF-8 view, a slice and a lazy sequence without contiguous storage all hash alike.
        let expected = Digest.sha256(Self.abc)
        #expect(Digest.sha256("abc".utf8) == expected)
        #expect(Digest.sha256(Array("xabcx".utf8).dropFirst().dropLast()) == expected)
        #expect(Digest.sha256(Self.abc.lazy.map { $0 }) == expected)
        #expect(Digest.sha1(Self.abc.lazy.filter { _ in true }) == Digest.sha1(Self.abc))
    }

    @Test func hexRoundTrip() {
        let bytes: [UInt8] = [0x00, 0x01, 0x7F, 0x80, 0xAB, 0xFF]
        #expect(bytes.hexString == "00017f80abff")
        #expect(Hex.encode(bytes) == "00017f80abff")
        #expect(Hex.decode("00017F80abFF") == bytes)
        #expect(Hex.decode("") == [])
        #expect(Hex.decode("abc") == nil)
        #expect(Hex.decode("zz") == nil)
        #expect(Hex.decode("0g") == nil)
    }
}
