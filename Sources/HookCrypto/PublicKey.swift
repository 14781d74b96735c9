internal import COpenSSL

/// A public key held by OpenSSL, used to verify signatures.
public final class PublicKey {
    /// The owned `EVP_PKEY` reference; freed in deinit.
    let pointer: OpaquePointer

    /// Takes ownership of one reference to `pkey`.
    init(owning pkey: OpaquePointer) {
        self.pointer = pkey
    }

    /// Loads the first public key in `pem`, in SubjectPublicKeyInfo form (`BEGIN PUBLIC KEY`).
    public convenience init(pem: String) throws {
        let operation = "PublicKey.init(pem:)"
        self.init(owning: try readPEM(.text(pem), "PEM_read_bio_PUBKEY", in: operation) {
            PEM_read_bio_PUBKEY($0, nil, refusePassphrase, nil)
        })
    }

    /// The key size in bits (the RSA modulus length).
    public var bits: Int { Int(EVP_PKEY_get_bits(self.pointer)) }

    /// The key as SubjectPublicKeyInfo PEM (`-----BEGIN PUBLIC KEY-----`).
    public func pem() throws -> String {
        try writeToMemoryBIO("PEM_write_bio_PUBKEY", in: "PublicKey.pem") { PEM_write_bio_PUBKEY($0, self.pointer) }
    }

    /// True when `signature` is a valid `algorithm` signature of `data` under this key; false for
    /// any wrong, truncated or tampered signature.
    ///
    /// Throws only when the check cannot be made: a key that is not RSA, or an OpenSSL failure.
    public func verify(signature: [UInt8], data: [UInt8], algorithm: SignatureAlgorithm) throws -> Bool {
        let operation = "PublicKey.verify(\(algorithm.rawValue))"
        clearOpenSSLErrors()
        return try algorithm.withContext(self.pointer, signing: false, in: operation) { context in
            try signature.withUnsafeBufferPointer { signatureBytes in
                try data.withUnsafeBufferPointer { input in
                    try checkVerification(
                        EVP_DigestVerify(context, signatureBytes.baseAddress, signatureBytes.count,
                                         input.baseAddress, input.count),
                        "EVP_DigestVerify", in: operation)
                }
            }
        }
    }

    deinit {
        EVP_PKEY_free(self.pointer)
    }
}

// Invariant: the EVP_PKEY is never modified after init (verification and PEM output only read
// it), and OpenSSL 3 allows a key that is not being changed to be used from many threads at once.
// When this shares its EVP_PKEY with a PrivateKey, each holds its own reference.
extension PublicKey: @unchecked Sendable {}
