import Foundation
import HookCrypto
import HookTestSupport
import Testing

/// Certificates made by `openssl req -x509`, compared with what `openssl x509` reports about them.
@Suite struct CertificateTests {
    /// Makes a self-signed certificate and its key in `dir`; returns (cert path, key path).
    static func makeCertificate(in dir: URL, name: String = "cert", subject: String = "/CN=test") async throws
        -> (cert: String, key: String)
    {
        let cert = dir.file("\(name).pem"), key = dir.file("\(name)-key.pem")
        try await OpenSSLTool.succeed(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-subj", subject,
                                       "-days", "1", "-keyout", key, "-out", cert])
        return (cert, key)
    }

    /// The hex digits of `openssl x509 -noout -fingerprint -<digest>` ("SHA1 Fingerprint=AB:CD:...").
    static func fingerprint(_ cert: String, _ digest: String) async throws -> String {
        let output = try await OpenSSLTool.succeed(["x509", "-in", cert, "-noout", "-fingerprint", "-\(digest)"])
        let value = try #require(output.split(separator: "=").last)
        return value.replacingOccurrences(of: ":", with: "").lowercased()
    }

    @Test func thumbprintsAndDERMatchOpenSSL() async throws {
        try await withTemporaryDirectory { dir in
            let (certPath, _) = try await Self.makeCertificate(in: dir)
            let cert = try Certificate(pemFile: certPath)
            #expect(cert.sha1Thumbprint.count == 20)
            #expect(cert.sha1Thumbprint.hexString == (try await Self.fingerprint(certPath, "sha1")))
            #expect(cert.sha256Thumbprint.count == 32)
            #expect(cert.sha256Thumbprint.hexString == (try await Self.fingerprint(certPath, "sha256")))

            try await OpenSSLTool.succeed(["x509", "-in", certPath, "-outform", "DER", "-out", dir.file("cert.der")])
            #expect(cert.der == (try readBytes(dir.file("cert.der"))))
            // The same certificate from a string.
            let fromText = try Certificate(pem: String(contentsOfFile: certPath, encoding: .utf8))
            #expect(fromText.der == cert.der)
        }
    }

    @Test func subjectAndValidity() async throws {
        try await withTemporaryDirectory { dir in
            let before = Date()
            let (simplePath, _) = try await Self.makeCertificate(in: dir)
            let simple = try Certificate(pemFile: simplePath)
            #expect(simple.subject == "CN=test")
            // -days 1 from now; certificate times have one-second resolution.
            let expectedEnd = before.addingTimeInterval(86_400)
            #expect(abs(simple.notAfter.timeIntervalSince(expectedEnd)) < 120)
            #expect(abs(simple.notBefore.timeIntervalSince(before)) < 120)

            let (path, _) = try await Self.makeCertificate(in: dir, name: "named",
                                                           subject: "/C=DE/O=Example Org/CN=hook.example")
            let cert = try Certificate(pemFile: path)
            let reported = try await OpenSSLTool.succeed(["x509", "-in", path, "-noout", "-subject", "-nameopt", "RFC2253"])
            #expect(reported == "subject=\(cert.subject)")
            #expect(cert.subject == "CN=hook.example,O=Example Org,C=DE")
        }
    }

    @Test func publicKeyMatchesThePrivateKey() async throws {
        try await withTemporaryDirectory { dir in
            let (certPath, keyPath) = try await Self.makeCertificate(in: dir)
            let (_, otherKeyPath) = try await Self.makeCertificate(in: dir, name: "other")
            let cert = try Certificate(pemFile: certPath)
            let key = try PrivateKey(pemFile: keyPath)

            let reported = try await OpenSSLTool.succeed(["x509", "-in", certPath, "-noout", "-pubkey"])
            #expect(try cert.publicKey.pem() == reported + "\n")
            let data = Array("assertion".utf8)
            for algorithm in SignatureAlgorithm.allCases {
                let signature = try key.sign(data, algorithm: algorithm)
                #expect(try cert.publicKey.verify(signature: signature, data: data, algorithm: algorithm))
            }
            #expect(cert.matches(key))
            #expect(!cert.matches(try PrivateKey(pemFile: otherKeyPath)))
        }
    }

    @Test func firstCertificateOfABundle() async throws {
        try await withTemporaryDirectory { dir in
            let (firstPath, keyPath) = try await Self.makeCertificate(in: dir, name: "first")
            let (secondPath, _) = try await Self.makeCertificate(in: dir, name: "second")
            let first = try String(contentsOfFile: firstPath, encoding: .utf8)
            let second = try String(contentsOfFile: secondPath, encoding: .utf8)
            let key = try String(contentsOfFile: keyPath, encoding: .utf8)

            let expected = try Certificate(pem: first).sha256Thumbprint
            #expect(try Certificate(pem: first + second).sha256Thumbprint == expected)
            #expect(try Certificate(pem: second + first).sha256Thumbprint != expected)
            // A combined key-and-certificate file serves both loaders.
            let combined = key + first
            try combined.write(toFile: dir.file("combined.pem"), atomically: true, encoding: .utf8)
            let cert = try Certificate(pemFile: dir.file("combined.pem"))
            #expect(cert.sha256Thumbprint == expected)
            #expect(cert.matches(try PrivateKey(pem: first + key)))
        }
    }

    @Test func jwtHeaderThumbprints() async throws {
        // What a client-assertion header carries: base64url of the thumbprints, 27 and 43 characters.
        try await withTemporaryDirectory { dir in
            let cert = try Certificate(pemFile: try await Self.makeCertificate(in: dir).cert)
            let x5t = Base64.urlEncode(cert.sha1Thumbprint)
            let x5tS256 = Base64.urlEncode(cert.sha256Thumbprint)
            #expect(x5t.count == 27)
            #expect(x5tS256.count == 43)
            #expect(Base64.urlDecode(x5t) == cert.sha1Thumbprint)
        }
    }
}
