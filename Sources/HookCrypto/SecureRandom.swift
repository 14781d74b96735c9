internal import COpenSSL

/// Cryptographically secure random bytes from OpenSSL's DRBG (`RAND_bytes`), which is seeded
/// from the operating system and safe to call from any thread.
public enum SecureRandom {
    /// `count` random bytes; throws if `count` is negative or the generator is not seeded.
    public static func bytes(_ count: Int) throws -> [UInt8] {
        let operation = "SecureRandom.bytes"
        guard count >= 0, count <= Int(Int32.max) else {
            throw CryptoError(.invalidInput, operation: operation, message: "byte count \(count) is out of range")
        }
        guard count > 0 else { return [] }
        clearOpenSSLErrors()
        return try [UInt8](unsafeUninitializedCapacity: count) { buffer, initialized in
            try check(RAND_bytes(buffer.baseAddress, Int32(count)), "RAND_bytes", in: operation)
            initialized = count
        }
    }

    /// A random (version 4) UUID in RFC 4122 text form, lowercase:
    /// `xxxxxxxx-xxxx-4xxx-yxxx-xxxxxxxxxxxx` with `y` one of 8, 9, a, b.
    public static func uuid() throws -> String {
        var bytes = try self.bytes(16)
        bytes[6] = (bytes[6] & 0x0F) | 0x40  // version 4: random
        bytes[8] = (bytes[8] & 0x3F) | 0x80  // variant 10xx: RFC 4122
        let hex = Array(bytes.hexString)
        return [hex[0..<8], hex[8..<12], hex[12..<16], hex[16..<20], hex[20..<32]]
            .map { String($0) }
            .joined(separator: "-")
    }
}
