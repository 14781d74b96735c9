import Foundation
import HookHTTPClient
import HookHTTPServer
import HookTestSupport
import Testing

@Suite("HTTPS and mutual TLS on loopback, with a CA made in the test")
struct TLSTests {
    private func tlsConfiguration(_ pki: TestPKI, clientCA: String? = nil) throws -> HTTPServerConfiguration {
        HTTPServerConfiguration(tls: .init(
            certificatePEM: try String(contentsOfFile: pki.serverCertificate, encoding: .utf8),
            privateKeyPEM: try String(contentsOfFile: pki.serverKey, encoding: .utf8),
            clientCAPEM: try clientCA.map { try String(contentsOfFile: $0, encoding: .utf8) }))
    }

    @Test("HTTPS works with the test CA trusted, and fails verification without it")
    func https() async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir)
            try await withServer(try self.tlsConfiguration(pki)) { server in
                let url = "https://127.0.0.1:\(server.port)/inspect"
                try await withClient(HTTPClientConfiguration(extraCAFile: pki.caCertificate)) { client in
                    let response = try await client.execute(HTTPClientRequest(url: url))
                    #expect(response.status == 200)
                    #expect(String(decoding: response.body, as: UTF8.self).contains("tls=true"))
                    let big = patternBytes(3 << 20)
                    let echoed = try await client.execute(HTTPClientRequest(
                        method: "POST", url: "https://127.0.0.1:\(server.port)/echo", body: big))
                    #expect(echoed.body == big)
                }
                try await withClient { client in
                    do {
                        _ = try await client.execute(HTTPClientRequest(url: url))
                        Issue.record("an untrusted certificate was accepted")
                    } catch let error as HTTPClientError {
                        #expect(error.code == .tls)
                    }
                }
            }
        }
    }

    @Test("mTLS: a client certificate from the CA is accepted; none, or one from another CA, gets 403")
    func mutualTLS() async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir.appendingPathComponent("good"))
            let rogue = try await TestPKI(in: dir.appendingPathComponent("rogue"), name: "Rogue CA")
            try await withServer(try self.tlsConfiguration(pki, clientCA: pki.caCertificate)) { server in
                let url = "https://127.0.0.1:\(server.port)/inspect"
                let good = HTTPClientConfiguration(
                    extraCAFile: pki.caCertificate, clientCertificateFile: pki.clientCertificate, clientKeyFile: pki.clientKey)
                try await withClient(good) { client in
                    let response = try await client.execute(HTTPClientRequest(url: url))
                    #expect(response.status == 200)
                    #expect(String(decoding: response.body, as: UTF8.self).contains("cert=true"))
                }
                try await withClient(HTTPClientConfiguration(extraCAFile: pki.caCertificate)) { client in
                    let response = try await client.execute(HTTPClientRequest(url: url))
                    #expect(response.status == 403)
                }
                let wrong = HTTPClientConfiguration(
                    extraCAFile: pki.caCertificate, clientCertificateFile: rogue.clientCertificate, clientKeyFile: rogue.clientKey)
                try await withClient(wrong) { client in
                    do {
                        let response = try await client.execute(HTTPClientRequest(url: url))
                        #expect(response.status == 403)
                    } catch let error as HTTPClientError {
                        // GnuTLS may also refuse the handshake outright; either way nothing is served.
                        #expect(error.code == .tls || error.code == .transfer)
                    }
                }
            }
        }
    }
}
