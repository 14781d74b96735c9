internal import COpenSSL

/// Keyed message authentication codes (OpenSSL `EVP_MAC` "HMAC").
///
/// To check a received MAC, compare it with `ConstantTime.equals`, never with `==`.
public enum HMAC {
    /// HMAC-SHA256 of `message` under `key`: 32 bytes. Any key length is allowed, including empty
    /// (RFC 2104 hashes keys longer than the block size and zero-pads shorter ones).
    public static func sha256(key: [UInt8], message: [UInt8]) throws -> [UInt8] {
        let operation = "HMAC.sha256"
        clearOpenSSLErrors()
        let mac = try check(EVP_MAC_fetch(nil, "HMAC", nil), "EVP_MAC_fetch", in: operation)
        defer { EVP_MAC_free(mac) }
        let context = try check(EVP_MAC_CTX_new(mac), "EVP_MAC_CTX_new", in: operation)
        defer { EVP_MAC_CTX_free(context) }

        // OSSL_PARAM_construct_utf8_string stores both pointers without copying, so the C strings
        // must stay valid until EVP_MAC_init has read the parameters: init runs inside their scope.
        try OSSL_MAC_PARAM_DIGEST.withCString { name in
            try "SHA256".withCString { digest in
                var parameters = [
                    OSSL_PARAM_construct_utf8_string(name, UnsafeMutablePointer(mutating: digest), 0),
                    OSSL_PARAM_construct_end(),
                ]
                try withNonNullBytes(key) { keyBytes in
                    try check(EVP_MAC_init(context, keyBytes.baseAddress, keyBytes.count, &parameters),
                              "EVP_MAC_init", in: operation)
                }
            }
        }
        try message.withUnsafeBufferPointer { input in
            try check(EVP_MAC_update(context, input.baseAddress, input.count), "EVP_MAC_update", in: operation)
        }
        var written = 0
        let output = try [UInt8](unsafeUninitializedCapacity: 32) { buffer, initialized in
            try check(EVP_MAC_final(context, buffer.baseAddress, &written, buffer.count), "EVP_MAC_final", in: operation)
            initialized = written
        }
        try check(written == 32, "EVP_MAC_final (wrote \(written) bytes, expected 32)", in: operation)
        return output
    }

    /// Like `withUnsafeBufferPointer`, but never passes a NULL base address: OpenSSL's HMAC
    /// treats a NULL key as "no key given" and fails, whereas an empty key is a valid HMAC key.
    private static func withNonNullBytes<R>(
        _ bytes: [UInt8], _ body: (UnsafeBufferPointer<UInt8>) throws -> R
    ) rethrows -> R {
        if bytes.isEmpty {
            var placeholder: UInt8 = 0
            return try withUnsafePointer(to: &placeholder) { try body(UnsafeBufferPointer(start: $0, count: 0)) }
        }
        return try bytes.withUnsafeBufferPointer(body)
    }
}
