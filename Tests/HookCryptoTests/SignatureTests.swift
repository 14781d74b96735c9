import Foundation
import HookCrypto
import HookTestSupport
import Testing

/// RS256 and PS256 checked against the openssl command-line tool in both directions.
@Suite struct SignatureTests {
    static let message = Array(#"{"alg":"PS256","typ":"JWT"}.{"iss":"client","aud":"token-endpoint"}"#.utf8)

    @Test(arguments: SignatureAlgorithm.allCases)
    func openSSLVerifiesOurSignature(_ algorithm: SignatureAlgorithm) async throws {
        try await withTemporaryDirectory { dir in
            try await OpenSSLTool.generateRSAKey(at: dir.file("key.pem"))
            try await OpenSSLTool.extractPublicKey(from: dir.file("key.pem"), to: dir.file("pub.pem"))
            let key = try PrivateKey(pemFile: dir.file("key.pem"))
            let signature = try key.sign(Self.message, algorithm: algorithm)
            #expect(signature.count == 256)
            try writeBytes(signature, to: dir.file("sig.bin"))
            try writeBytes(Self.message, to: dir.file("msg.bin"))
            var tampered = Self.message
            tampered[10] ^= 0x01
            try writeBytes(tampered, to: dir.file("tampered.bin"))

            let verify = ["dgst", "-sha256", "-verify", dir.file("pub.pem"), "-signature", dir.file("sig.bin")]
                + OpenSSLTool.signatureOptions(algorithm.rawValue)
            let good = try await OpenSSLTool.run(verify + [dir.file("msg.bin")])
            #expect(good.status == 0, "\(good.output)")
            #expect(good.output.contains("Verified OK"))
            let bad = try await OpenSSLTool.run(verify + [dir.file("tampered.bin")])
            #expect(bad.status != 0, "\(bad.output)")
        }
    }

    @Test(arguments: SignatureAlgorithm.allCases)
    func weVerifyOpenSSLSignature(_ algorithm: SignatureAlgorithm) async throws {
        try await withTemporaryDirectory { dir in
            try await OpenSSLTool.generateRSAKey(at: dir.file("key.pem"))
            try await OpenSSLTool.extractPublicKey(from: dir.file("key.pem"), to: dir.file("pub.pem"))
            try writeBytes(Self.message, to: dir.file("msg.bin"))
            try await OpenSSLTool.succeed(["dgst", "-sha256", "-sign", dir.file("key.pem")]
                + OpenSSLTool.signatureOptions(algorithm.rawValue)
                + ["-out", dir.file("sig.bin"), dir.file("msg.bin")])
            let signature = try readBytes(dir.file("sig.bin"))
            let publicKey = try PublicKey(pem: String(contentsOfFile: dir.file("pub.pem"), encoding: .utf8))
            #expect(publicKey.bits == 2048)

            #expect(try publicKey.verify(signature: signature, data: Self.message, algorithm: algorithm))
            var tampered = Self.message
            tampered[0] ^= 0x01
            #expect(try !publicKey.verify(signature: signature, data: tampered, algorithm: algorithm))
            var badSignature = signature
            badSignature[100] ^= 0x01
            #expect(try !publicKey.verify(signature: badSignature, data: Self.message, algorithm: algorithm))
            #expect(try !publicKey.verify(signature: Array(signature.dropLast()), data: Self.message, algorithm: algorithm))
            #expect(try !publicKey.verify(signature: [], data: Self.message, algorithm: algorithm))
            // The two paddings are not interchangeable.
            let other: SignatureAlgorithm = algorithm == .rs256 ? .ps256 : .rs256
            #expect(try !publicKey.verify(signature: signature, data: Self.message, algorithm: other))

            if algorithm == .rs256 {
                // PKCS#1 v1.5 is deterministic: our signature is byte for byte OpenSSL's.
                let ours = try PrivateKey(pemFile: dir.file("key.pem")).sign(Self.message, algorithm: .rs256)
                #expect(ours == signature)
            }
        }
    }

    @Test func ps256RejectsOtherSaltLengths() async throws {
        // RFC 7518 §3.5 fixes the salt length to the digest length; OpenSSL's own default when
        // signing is the maximum, which must not verify as PS256.
        try await withTemporaryDirectory { dir in
            try await OpenSSLTool.generateRSAKey(at: dir.file("key.pem"))
            try writeBytes(Self.message, to: dir.file("msg.bin"))
            try await OpenSSLTool.succeed(["dgst", "-sha256", "-sign", dir.file("key.pem"),
                                           "-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:max",
                                           "-out", dir.file("sig.bin"), dir.file("msg.bin")])
            let key = try PrivateKey(pemFile: dir.file("key.pem"))
            let signature = try readBytes(dir.file("sig.bin"))
            #expect(try !key.publicKey.verify(signature: signature, data: Self.message, algorithm: .ps256))
        }
    }

    @Test func generatedKeyRoundTrip() throws {
        let key = try PrivateKey.generateRSA()
        #expect(key.bits == 2048)
        for algorithm in SignatureAlgorithm.allCases {
            let signature = try key.sign(Self.message, algorithm: algorithm)
            #expect(try key.publicKey.verify(signature: signature, data: Self.message, algorithm: algorithm))
            #expect(try !key.publicKey.verify(signature: signature, data: Self.message + [0], algorithm: algorithm))
        }
        // PSS is randomised: two signatures of the same message differ, and both verify.
        #expect(try key.sign(Self.message, algorithm: .ps256) != key.sign(Self.message, algorithm: .ps256))

        // Through PEM and back: the reloaded private key signs for the original public key and vice versa.
        let pkcs8 = try key.pemPKCS8()
        #expect(pkcs8.hasPrefix("-----BEGIN PRIVATE KEY-----\n"))
        #expect(pkcs8.hasSuffix("-----END PRIVATE KEY-----\n"))
        let reloaded = try PrivateKey(pem: pkcs8)
        let publicPEM = try key.publicKey.pem()
        #expect(publicPEM.hasPrefix("-----BEGIN PUBLIC KEY-----\n"))
        #expect(try reloaded.publicKey.pem() == publicPEM)
        let signature = try reloaded.sign(Self.message, algorithm: .rs256)
        #expect(try PublicKey(pem: publicPEM).verify(signature: signature, data: Self.message, algorithm: .rs256))
        // A different key does not verify it.
        let stranger = try PrivateKey.generateRSA()
        #expect(try !stranger.publicKey.verify(signature: signature, data: Self.message, algorithm: .rs256))
    }

    @Test func generatedKeyIsReadableByOpenSSL() async throws {
        try await withTemporaryDirectory { dir in
            let key = try PrivateKey.generateRSA(bits: 3072)
            try key.pemPKCS8().write(toFile: dir.file("key.pem"), atomically: true, encoding: .utf8)
            let text = try await OpenSSLTool.succeed(["pkey", "-in", dir.file("key.pem"), "-noout", "-text"])
            #expect(text.contains("3072 bit"))
            let publicPEM = try await OpenSSLTool.succeed(["pkey", "-in", dir.file("key.pem"), "-pubout"])
            #expect(try key.publicKey.pem() == publicPEM + "\n")
        }
    }

    @Test func smallKeysAreRefused() throws {
        let key = try PrivateKey.generateRSA(bits: 1024)
        #expect(key.bits == 1024)
        for algorithm in SignatureAlgorithm.allCases {
            let error = try #require(throws: CryptoError.self) { try key.sign(Self.message, algorithm: algorithm) }
            #expect(error.code == .unsuitableKey)
            #expect(error.description.contains("1024"))
            #expect(error.description.contains("2048"))
            #expect(error.operation == "PrivateKey.sign(\(algorithm.rawValue))")
        }
        #expect(throws: CryptoError.self) { try PrivateKey.generateRSA(bits: 100) }
    }

    @Test func nonRSAKeysAreRefused() async throws {
        try await withTemporaryDirectory { dir in
            try await OpenSSLTool.succeed(["genpkey", "-algorithm", "EC", "-pkeyopt", "ec_paramgen_curve:P-256",
                                           "-out", dir.file("ec.pem")])
            let key = try PrivateKey(pemFile: dir.file("ec.pem"))
            for algorithm in SignatureAlgorithm.allCases {
                let error = try #require(throws: CryptoError.self) { try key.sign(Self.message, algorithm: algorithm) }
                #expect(error.code == .unsuitableKey)
                #expect(error.description.contains("EC"))
                #expect(throws: CryptoError.self) {
                    try key.publicKey.verify(signature: [1, 2, 3], data: Self.message, algorithm: algorithm)
                }
            }
        }
    }

    @Test func concurrentSigningWithOneKey() async throws {
        let key = try PrivateKey.generateRSA()
        try await withThrowingTaskGroup(of: Bool.self) { group in
            for index in 0..<16 {
                group.addTask {
                    let data = Array("message \(index)".utf8)
                    let algorithm: SignatureAlgorithm = index.isMultiple(of: 2) ? .rs256 : .ps256
                    let signature = try key.sign(data, algorithm: algorithm)
                    return try key.publicKey.verify(signature: signature, data: data, algorithm: algorithm)
                }
            }
            var verified = 0
            for try await ok in group where ok { verified += 1 }
            #expect(verified == 16)
        }
    }
}
