internal import COpenSSL

/// Comparisons whose running time does not depend on where the inputs differ, nor on whether their
/// lengths match, for secrets such as webhook auth IDs and MACs (OpenSSL `CRYPTO_memcmp`).
public enum ConstantTime {
    /// The bytes every comparison runs over: one SHA-256 digest.
    static let comparedBytes = 32

    /// True when `a` and `b` hold the same bytes.
    ///
    /// Both inputs are hashed with SHA-256 and the two digests are compared in constant time, so the
    /// comparison always runs over ``comparedBytes`` bytes, whatever the lengths. Comparing the inputs
    /// themselves would need equal lengths, and the early "false" for a wrong length would tell a caller
    /// who varies what they present how long the secret is. Hashing takes time that depends on each
    /// input's own length only: for the secret that is the same on every call. Equal digests of unequal
    /// inputs would be a SHA-256 collision; the length check is kept anyway.
    public static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>) -> Bool {
        self.equals(a, b, compare: self.memoryEquals)
    }

    /// True when the UTF-8 encodings of `a` and `b` are the same bytes (no Unicode normalisation).
    public static func equals(_ a: String, _ b: String) -> Bool {
        self.equals(a.utf8, b.utf8)
    }

    /// ``equals(_:_:)`` with the byte comparison passed in (tests record what it is given).
    static func equals(_ a: some Collection<UInt8>, _ b: some Collection<UInt8>,
                       compare: (UnsafeBufferPointer<UInt8>, UnsafeBufferPointer<UInt8>) -> Bool) -> Bool {
        let sameLength = a.count == b.count
        let first = Digest.sha256(a)
        let second = Digest.sha256(b)
        let sameDigest = first.withUnsafeBufferPointer { x in second.withUnsafeBufferPointer { y in compare(x, y) } }
        return sameDigest && sameLength
    }

    private static func memoryEquals(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Bool {
        // "CRYPTO_memcmp() compares the len bytes pointed to by a and b for equality. It takes an
        // amount of time dependent on len, but independent of the contents ... returns 0 if equal".
        guard a.count == b.count else { return false }
        return CRYPTO_memcmp(a.baseAddress, b.baseAddress, a.count) == 0
    }
}
