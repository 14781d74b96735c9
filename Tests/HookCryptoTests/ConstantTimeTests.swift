import HookCrypto
import Testing

@Suite struct ConstantTimeTests {
    @Test func equalBytes() {
        #expect(ConstantTime.equals([UInt8](), [UInt8]()))
        #expect(ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
        #expect(ConstantTime.equals(Array("secret".utf8), "secret".utf8))
    }

    @Test func differentBytesOfEqualLength() {
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2, 4] as [UInt8]))
        #expect(!ConstantTime.equals([0, 2, 3] as [UInt8], [1, 2, 3] as [UInt8]))
    }

    @Test func differentLengths() {
        #expect(!ConstantTime.equals([1, 2, 3] as [UInt8], [1, 2] as [UInt8]))
        #expect(!ConstantTime.equals([UInt8](), [0] as [UInt8]))
        // A prefix is not equal, whichever side is longer.
        #expect(!ConstantTime.equals("abc", "abcd"))
        #expect(!ConstantTime.equals("abcd", "abc"))
    }

    @Test func strings() {
        #expect(ConstantTime.equals("Webhook-AuthID-value", "Webhook-AuthID-value"))
        #expect(!ConstantTime.equals("Webhook-AuthID-value", "Webhook-AuthID-valuf"))
        #expect(ConstantTime.equals("", ""))
        // Bytes are compared, not characters: the precomposed and decomposed "é" differ.
        #expect(!ConstantTime.equals("\u{E9}", "e\u{301}"))
    }
}
