internal import COpenSSL

/// The JOSE (RFC 7518 §3) RSA signature algorithms, both over SHA-256.
public enum SignatureAlgorithm: String, Sendable, CaseIterable {
    /// RSASSA-PKCS1-v1_5 with SHA-256: deterministic, the classic JWT `alg`.
    case rs256 = "RS256"
    /// RSASSA-PSS with SHA-256, MGF1 with SHA-256 and a 32-byte salt (the digest length),
    /// exactly as RFC 7518 §3.5 requires; signatures with other salt lengths do not verify.
    case ps256 = "PS256"
}

extension SignatureAlgorithm {
    /// Whether the key `pkey` can be used with this algorithm at all: both need an RSA key
    /// (a key restricted to PSS, type "RSA-PSS", is acceptable for PS256 only).
    func accepts(_ pkey: OpaquePointer) -> Bool {
        if EVP_PKEY_is_a(pkey, "RSA") == 1 { return true }
        return self == .ps256 && EVP_PKEY_is_a(pkey, "RSA-PSS") == 1
    }

    /// Sets up a digest-sign or digest-verify context for `pkey` with this algorithm's digest and
    /// padding, and runs `body` on it.
    ///
    /// Without the key-type check, EVP_DigestSignInit would happily sign with an EC or Ed25519 key
    /// and produce a signature that is not what the algorithm name promises.
    func withContext<R>(
        _ pkey: OpaquePointer, signing: Bool, in operation: String, _ body: (OpaquePointer) throws -> R
    ) throws -> R {
        guard self.accepts(pkey) else {
            throw CryptoError(.unsuitableKey, operation: operation,
                              message: "\(self.rawValue) needs an RSA key, not \(keyTypeName(pkey))")
        }
        let context = try check(EVP_MD_CTX_new(), "EVP_MD_CTX_new", in: operation)
        defer { EVP_MD_CTX_free(context) }
        // The EVP_PKEY_CTX set here belongs to `context` ("The EVP_PKEY_CTX ... is freed when the
        // EVP_MD_CTX is freed") and configures the padding.
        var keyContext: OpaquePointer?
        let initCall = signing ? "EVP_DigestSignInit_ex" : "EVP_DigestVerifyInit_ex"
        try check(signing
                  ? EVP_DigestSignInit_ex(context, &keyContext, "SHA256", nil, nil, pkey, nil)
                  : EVP_DigestVerifyInit_ex(context, &keyContext, "SHA256", nil, nil, pkey, nil),
                  initCall, in: operation)
        let padding = try check(keyContext, "\(initCall) (key context)", in: operation)
        switch self {
        case .rs256:
            try check(EVP_PKEY_CTX_set_rsa_padding(padding, RSA_PKCS1_PADDING),
                      "EVP_PKEY_CTX_set_rsa_padding", in: operation)
        case .ps256:
            try check(EVP_PKEY_CTX_set_rsa_padding(padding, RSA_PKCS1_PSS_PADDING),
                      "EVP_PKEY_CTX_set_rsa_padding", in: operation)
            try check(EVP_PKEY_CTX_set_rsa_mgf1_md(padding, EVP_sha256()),
                      "EVP_PKEY_CTX_set_rsa_mgf1_md", in: operation)
            // RSA_PSS_SALTLEN_DIGEST: "sets the salt length to the digest length". When verifying
            // it also makes OpenSSL reject any other salt length, as RFC 7518 wants.
            try check(EVP_PKEY_CTX_set_rsa_pss_saltlen(padding, RSA_PSS_SALTLEN_DIGEST),
                      "EVP_PKEY_CTX_set_rsa_pss_saltlen", in: operation)
        }
        return try body(context)
    }
}

/// A short name for a key's type, for error messages ("RSA", "EC", "ED25519", ...).
func keyTypeName(_ pkey: OpaquePointer) -> String {
    guard let name = EVP_PKEY_get0_type_name(pkey) else { return "an unknown key type" }
    return String(cString: name)
}
