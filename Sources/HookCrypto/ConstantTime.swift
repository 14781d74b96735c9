internal import COpenSSL

/// Comparisons whose running time does not depend on where the inputs differ, for secrets
/// such as webhook auth IDs and MACs (OpenSSL `CRYPTO_memcmp`).
public enum ConstantTime {
    /// True when `a` and `b` hold the same bytes.
    ///
    /// The time taken depends on the lengths only. When the lengths differ the answer is false,
    /// but the SHA-256 digests of both are still hashed and compared, so a mismatch in length is
    /// not a shortcut that reveals anything about the contents.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        withContiguousBytes(a) { first in
            withContiguousBytes(b) { second in
                if first.count == second.count {
                    return self.memoryEquals(first, second)
                }
                let firstDigest = Digest.sha256(first)
                let secondDigest = Digest.sha256(second)
                // The answer is already known to be false; this comparison is made for its cost, not its result.
                _ = self.memoryEquals(firstDigest, secondDigest)
                return false
            }
        }
    }

    /// True when the UTF-8 encodings of `a` and `b` are the same bytes (no Unicode normalisation).
    public static func equals(_ a: String, _ b: String) -> Bool {
        self.equals(a.utf8, b.utf8)
    }

    private static func memoryEquals(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        // "CRYPTO_memcmp() compares the len bytes pointed to by a and b for equality. It takes an
        // amount of time dependent on len, but independent of the contents ... returns 0 if equal".
        CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
    }

    private static func memoryEquals(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        a.withUnsafeBufferPointer { first in b.withUnsafeBufferPointer { second in self.memoryEquals(first, second) } }
    }
}
