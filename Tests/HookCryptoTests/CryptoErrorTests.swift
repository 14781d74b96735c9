import Foundation
import HookCrypto
import HookTestSupport
import Testing

/// Failures surface as `CryptoError`s that name the operation and carry OpenSSL's own reasons.
@Suite struct CryptoErrorTests {
    static let garbage = "-----BEGIN GARBAGE-----\nbm90IGEga2V5\n-----END GARBAGE-----\n"

    @Test func garbagePEM() throws {
        let keyError = try #require(throws: CryptoError.self) { try PrivateKey(pem: Self.garbage) }
        #expect(keyError.code == .openSSL)
        #expect(keyError.operation == "PrivateKey.init(pem:)")
        #expect(keyError.description.hasPrefix("PrivateKey.init(pem:) failed: PEM_read_bio_PrivateKey"))

        let publicError = try #require(throws: CryptoError.self) { try PublicKey(pem: "not PEM at all") }
        #expect(publicError.description.contains("PublicKey.init(pem:)"))
        #expect(publicError.description.contains("PEM_read_bio_PUBKEY"))

        let certError = try #require(throws: CryptoError.self) { try Certificate(pem: Self.garbage) }
        #expect(certError.operation == "Certificate.init(pem:)")
        #expect(!certError.openSSLErrors.isEmpty)
        #expect(certError.description.contains("[OpenSSL: error:"))

        #expect(throws: CryptoError.self) { try Certificate(pem: "") }
        #expect(throws: CryptoError.self) { try PrivateKey(pem: "") }
    }

    @Test func missingFileNamesThePath() throws {
        let path = "/nonexistent/activityhook/key.pem"
        let error = try #require(throws: CryptoError.self) { try PrivateKey(pemFile: path) }
        #expect(error.operation.contains(path))
        #expect(error.description.contains("BIO_new_file"))
        #expect(!error.openSSLErrors.isEmpty)
        #expect(throws: CryptoError.self) { try Certificate(pemFile: path) }
    }

    @Test func encryptedKeyFailsWithoutPrompting() async throws {
        try await withTemporaryDirectory { dir in
            try await OpenSSLTool.succeed(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048",
                                           "-aes256", "-pass", "pass:secret", "-out", dir.file("encrypted.pem")])
            let error = try #require(throws: CryptoError.self) { try PrivateKey(pemFile: dir.file("encrypted.pem")) }
            #expect(error.description.contains("PEM_read_bio_PrivateKey"))
        }
    }

    @Test func noStaleErrorsFromEarlierCalls() throws {
        // A failed verification leaves entries in OpenSSL's per-thread queue; the next failure
        // must report only its own. (Synchronous, so every call runs on the same thread.)
        let key = try PrivateKey.generateRSA()
        #expect(try !key.publicKey.verify(signature: [UInt8](repeating: 7, count: 256), data: [1], algorithm: .rs256))
        let error = try #require(throws: CryptoError.self) { try Certificate(pem: Self.garbage) }
        #expect(!error.openSSLErrors.isEmpty)
        #expect(error.openSSLErrors.allSatisfy { !$0.contains("rsa") && !$0.contains("RSA") })
    }

    @Test func descriptionFormat() {
        let error = CryptoError(.invalidInput, operation: "Op", message: "went wrong", openSSLErrors: ["a", "b"])
        #expect(error.description == "Op failed: went wrong [OpenSSL: a; b]")
        #expect(CryptoError(.unsuitableKey, operation: "Op", message: "m").description == "Op failed: m")
        #expect(CryptoError.Code.openSSL.description == "openssl")
    }
}
