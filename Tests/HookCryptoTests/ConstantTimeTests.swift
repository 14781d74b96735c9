@testable import HookCrypto
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

/// The comparison must not reveal the secret's length (issue 12, item 9): it always runs over one digest.
@Suite struct ConstantTimeLengthTests {
    /// The lengths of the buffers the byte comparison was given, and the answer.
    static func compared(_ a: [UInt8], _ b: [UInt8]) -> (lengths: [Int], equal: Bool) {
        var lengths: [Int] = []
        let equal = ConstantTime.equals(a, b) { x, y in
            lengths += [x.count, y.count]
            return x.elementsEqual(y)
        }
        return (lengths, equal)
    }

    @Test("every comparison runs over 32 bytes, whatever the lengths, and unequal lengths are false")
    func fixedLength() {
        let secret = Array("a-webhook-auth-id-of-forty-bytes-exactly".utf8)
        for length in [0, 1, 31, 32, 33, secret.count, 1_000, 100_000] {
            let presented = Array(repeating: UInt8(ascii: "a"), count: length)
            let result = Self.compared(presented, secret)
            #expect(result.lengths == [32, 32], "length \(length)")
            #expect(!result.equal)
        }
        #expect(Self.compared(secret, secret) == ([32, 32], true))
        // Same digest length, different input lengths: still false (the length check stays).
        #expect(!ConstantTime.equals(secret, secret + [0]))
        #expect(!ConstantTime.equals(secret.dropLast(), secret))
    }
}
