import Foundation
internal import CHookShim
internal import COpenSSL

/// An X.509 certificate, read from PEM; supplies the thumbprints and public key that JWT client
/// assertions (`x5t`, `x5t#S256`) and key/certificate pairing checks need.
///
/// The DER encoding, subject, validity dates and public key are read once at load time.
public final class Certificate {
    /// The owned `X509`; freed in deinit.
    private let pointer: OpaquePointer

    /// The certificate's DER encoding.
    public let der: [UInt8]
    /// The subject name in RFC 2253 form, most specific part first: `CN=hook.example,O=Example,C=DE`.
    public let subject: String
    /// The start of the validity period.
    public let notBefore: Date
    /// The end of the validity period.
    public let notAfter: Date
    /// The certified public key.
    public let publicKey: PublicKey

    /// SHA-1 of the DER encoding: the JOSE `x5t` thumbprint (base64url it for a JWT header).
    public var sha1Thumbprint: [UInt8] { Digest.sha1(self.der) }
    /// SHA-256 of the DER encoding: the JOSE `x5t#S256` thumbprint.
    public var sha256Thumbprint: [UInt8] { Digest.sha256(self.der) }

    /// Loads the first certificate in `pem`; other PEM blocks (keys, further certificates) are skipped.
    public convenience init(pem: String) throws {
        try self.init(.text(pem), in: "Certificate.init(pem:)")
    }

    /// Loads the first certificate in the PEM file at `path` (read synchronously; a few KB).
    public convenience init(pemFile path: String) throws {
        try self.init(.file(path), in: "Certificate.init(pemFile: \(path))")
    }

    private convenience init(_ source: PEMSource, in operation: String) throws {
        try self.init(owning: readPEM(source, "PEM_read_bio_X509", in: operation) {
            PEM_read_bio_X509($0, nil, refusePassphrase, nil)
        }, in: operation)
    }

    /// Takes ownership of `x509` and reads its fields; frees it if that fails.
    private init(owning x509: OpaquePointer, in operation: String) throws {
        do {
            self.der = try Self.derEncoding(x509, in: operation)
            self.subject = try writeToMemoryBIO("X509_NAME_print_ex", in: operation) { bio in
                // Returns the number of characters written (0 for an empty name) or -1 on error.
                X509_NAME_print_ex(bio, X509_get_subject_name(x509), 0, ahk_xn_flag_rfc2253()) >= 0 ? 1 : 0
            }
            self.notBefore = try Self.date(X509_get0_notBefore(x509), "X509_get0_notBefore", in: operation)
            self.notAfter = try Self.date(X509_get0_notAfter(x509), "X509_get0_notAfter", in: operation)
            // X509_get_pubkey "increments the reference count of the returned key".
            self.publicKey = PublicKey(owning: try check(X509_get_pubkey(x509), "X509_get_pubkey", in: operation))
        } catch {
            X509_free(x509)
            throw error
        }
        self.pointer = x509
    }

    /// True when `privateKey` is the private half of this certificate's public key.
    public func matches(_ privateKey: PrivateKey) -> Bool {
        clearOpenSSLErrors()
        let matched = X509_check_private_key(self.pointer, privateKey.pointer) == 1
        // A mismatch is an answer, not an error; OpenSSL queues "key values mismatch" for it.
        clearOpenSSLErrors()
        return matched
    }

    deinit {
        X509_free(self.pointer)
    }

    private static func derEncoding(_ x509: OpaquePointer, in operation: String) throws -> [UInt8] {
        // "If out is NULL ... the length of the encoding is returned"; otherwise the encoding is
        // written at *out, which is advanced past it.
        let length = i2d_X509(x509, nil)
        try check(length, "i2d_X509 (length)", in: operation)
        var der = [UInt8](repeating: 0, count: Int(length))
        let written = der.withUnsafeMutableBufferPointer { buffer in
            var cursor = buffer.baseAddress
            return i2d_X509(x509, &cursor)
        }
        try check(written == length, "i2d_X509 (wrote \(written) of \(length) bytes)", in: operation)
        return der
    }

    private static func date(_ time: UnsafePointer<ASN1_TIME>?, _ call: String, in operation: String) throws -> Date {
        let time = try check(time, call, in: operation)
        var fields = tm()
        try check(ASN1_TIME_to_tm(time, &fields), "ASN1_TIME_to_tm", in: operation)
        // ASN1_TIME_to_tm fills in UTC (certificate times are GMT), so timegm, not mktime.
        return Date(timeIntervalSince1970: TimeInterval(timegm(&fields)))
    }
}

// Invariant: every field is a `let` read once in init, and the X509 is only read afterwards
// (X509_check_private_key takes const pointers), so the certificate can be shared freely.
extension Certificate: @unchecked Sendable {}
