internal import COpenSSL

/// One-shot message digests (OpenSSL `EVP_Digest`).
///
/// Hashing with a built-in digest cannot fail on a working OpenSSL, so these do not throw;
/// a failure (a broken library, or out of memory) stops the process with OpenSSL's error queue.
public enum Digest {
    /// SHA-256 of `data`: 32 bytes.
    public static func sha256(_ data: some Sequence<UInt8>) -> [UInt8] {
        self.digest(data, EVP_sha256(), length: 32, name: "Digest.sha256")
    }

    /// SHA-1 of `data`: 20 bytes. Only for identifiers that require it, such as the JOSE `x5t`
    /// certificate thumbprint; SHA-1 is not collision resistant.
    public static func sha1(_ data: some Sequence<UInt8>) -> [UInt8] {
        self.digest(data, EVP_sha1(), length: 20, name: "Digest.sha1")
    }

    private static func digest(
        _ data: some Sequence<UInt8>, _ type: OpaquePointer?, length: Int, name: String
    ) -> [UInt8] {
        clearOpenSSLErrors()
        return withContiguousBytes(data) { input in
            [UInt8](unsafeUninitializedCapacity: length) { output, initialized in
                var written: UInt32 = 0
                checkInfallible(
                    EVP_Digest(input.baseAddress, input.count, output.baseAddress, &written, type, nil),
                    "EVP_Digest", in: name)
                precondition(Int(written) == length, "\(name): EVP_Digest wrote \(written) bytes, expected \(length)")
                initialized = length
            }
        }
    }
}
