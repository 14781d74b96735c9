internal import COpenSSL

/// A private key held by OpenSSL, used to sign JWT client assertions.
///
/// Loading accepts PKCS#8 (`BEGIN PRIVATE KEY`) and traditional (`BEGIN RSA PRIVATE KEY`) PEM;
/// encrypted keys are rejected rather than prompting for a passphrase. Signing requires an RSA
/// key of at least 2048 bits (Microsoft Entra's minimum for certificate credentials).
public final class PrivateKey {
    /// The smallest RSA modulus, in bits, that `sign` accepts.
    public static let minimumRSABits = 2048

    /// The owned `EVP_PKEY` reference; freed in deinit.
    let pointer: OpaquePointer

    /// The public half of this key.
    public let publicKey: PublicKey

    /// Takes ownership of one reference to `pkey` (freed on failure, too).
    init(owning pkey: OpaquePointer, in operation: String) throws {
        // The public key shares the same EVP_PKEY under a reference of its own; it only ever
        // reads the public components.
        do {
            try check(EVP_PKEY_up_ref(pkey), "EVP_PKEY_up_ref", in: operation)
        } catch {
            EVP_PKEY_free(pkey)
            throw error
        }
        self.pointer = pkey
        self.publicKey = PublicKey(owning: pkey)
    }

    /// Loads the first private key in `pem`; other PEM blocks (certificates) are skipped.
    public convenience init(pem: String) throws {
        try self.init(.text(pem), in: "PrivateKey.init(pem:)")
    }

    /// Loads the first private key in the PEM file at `path` (read synchronously; a few KB).
    public convenience init(pemFile path: String) throws {
        try self.init(.file(path), in: "PrivateKey.init(pemFile: \(path))")
    }

    private convenience init(_ source: PEMSource, in operation: String) throws {
        try self.init(owning: readPEM(source, "PEM_read_bio_PrivateKey", in: operation) {
            PEM_read_bio_PrivateKey($0, nil, refusePassphrase, nil)
        }, in: operation)
    }

    /// Generates a new RSA key with a modulus of `bits` bits and the usual public exponent 65537.
    ///
    /// CPU-bound for tens to hundreds of milliseconds (seconds at 4096 bits): call it from a
    /// dedicated thread, not from an async context.
    public static func generateRSA(bits: Int = 2048) throws -> PrivateKey {
        let operation = "PrivateKey.generateRSA(bits: \(bits))"
        guard bits >= 512, bits <= 16384 else {
            throw CryptoError(.invalidInput, operation: operation, message: "RSA key size must be 512 to 16384 bits")
        }
        clearOpenSSLErrors()
        // EVP_RSA_gen is a variadic macro; this is the sequence it expands to.
        let context = try check(EVP_PKEY_CTX_new_from_name(nil, "RSA", nil), "EVP_PKEY_CTX_new_from_name", in: operation)
        defer { EVP_PKEY_CTX_free(context) }
        try check(EVP_PKEY_keygen_init(context), "EVP_PKEY_keygen_init", in: operation)
        try check(EVP_PKEY_CTX_set_rsa_keygen_bits(context, Int32(bits)), "EVP_PKEY_CTX_set_rsa_keygen_bits", in: operation)
        var pkey: OpaquePointer?
        try check(EVP_PKEY_generate(context, &pkey), "EVP_PKEY_generate", in: operation)
        return try PrivateKey(owning: check(pkey, "EVP_PKEY_generate", in: operation), in: operation)
    }

    /// The key size in bits (the RSA modulus length).
    public var bits: Int { Int(EVP_PKEY_get_bits(self.pointer)) }

    /// The key as unencrypted PKCS#8 PEM (`-----BEGIN PRIVATE KEY-----`).
    public func pemPKCS8() throws -> String {
        // "PEM_write_bio_PrivateKey() ... write a private key ... using PKCS#8 private key format".
        try writeToMemoryBIO("PEM_write_bio_PrivateKey", in: "PrivateKey.pemPKCS8", secure: true) {
            PEM_write_bio_PrivateKey($0, self.pointer, nil, nil, 0, nil, nil)
        }
    }

    /// Signs `data` (hashing it with SHA-256) and returns the raw signature, as long as the
    /// modulus (256 bytes for a 2048-bit key); base64url-encode it for a JWT.
    ///
    /// Throws `CryptoError` with code `.unsuitableKey` for a non-RSA key or one under 2048 bits.
    public func sign(_ data: [UInt8], algorithm: SignatureAlgorithm) throws -> [UInt8] {
        let operation = "PrivateKey.sign(\(algorithm.rawValue))"
        clearOpenSSLErrors()
        if algorithm.accepts(self.pointer) && self.bits < Self.minimumRSABits {
            throw CryptoError(.unsuitableKey, operation: operation,
                              message: "the RSA key has \(self.bits) bits; at least \(Self.minimumRSABits) are required")
        }
        return try algorithm.withContext(self.pointer, signing: true, in: operation) { context in
            try data.withUnsafeBufferPointer { input in
                // First call with a NULL buffer: "the maximum buffer size is written to the siglen".
                var length = 0
                try check(EVP_DigestSign(context, nil, &length, input.baseAddress, input.count),
                          "EVP_DigestSign (size)", in: operation)
                var signature = [UInt8](repeating: 0, count: length)
                try check(EVP_DigestSign(context, &signature, &length, input.baseAddress, input.count),
                          "EVP_DigestSign", in: operation)
                signature.removeSubrange(length...)
                return signature
            }
        }
    }

    deinit {
        EVP_PKEY_free(self.pointer)
    }
}

// Invariant: the EVP_PKEY is never modified after init (no setter is exposed, and signing only
// reads it), and OpenSSL 3 allows a key that is not being changed to be used from many threads
// at once: each signature gets its own EVP_MD_CTX, so no per-call state is shared.
extension PrivateKey: @unchecked Sendable {}
