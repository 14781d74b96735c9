import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

@Suite("activityhook serve (built binary, live loopback)")
struct ServeTests {
    /// Starts `serve` on a temp config and returns the child and its base URL once it printed ready.
    private func startServe(_ dir: URL, extraServer: String = "", json: Bool = false) async throws -> (ChildProcess, String) {
        let (child, bases) = try await self.startServeAll(dir, extraServer: extraServer, json: json)
        return (child, bases[0])
    }

    private func startServeAll(_ dir: URL, extraServer: String = "", json: Bool = false) async throws -> (ChildProcess, [String]) {
        let config = try writeTestConfig(in: dir, extraServer: extraServer)
        var arguments = ["serve", "--config", config]
        if json { arguments += ["--log-format", "json"] }
        let child = try ChildProcess(try TestBinaries.require("activityhook"), arguments)
        let ready = try #require(await child.waitForLine { $0.hasPrefix("activityhook ready") })
        let listen = ready.split(separator: " ").first { $0.hasPrefix("listen=") }!.dropFirst("listen=".count)
        return (child, listen.split(separator: ",").map { "http://\($0)" })
    }

    @Test("healthz, the validation handshake with and without the right auth id, 404/405, then SIGTERM exits 0")
    func handshake() async throws {
        try await withTemporaryDirectory { dir in
            let (child, base) = try await self.startServe(dir)
            let client = try HTTPClient()
            defer { client.shutdown() }

            let health = try await client.execute(HTTPClientRequest(url: "\(base)/healthz"))
            #expect(health.status == 200)

            let body = Array(#"{"validationCode":"a9c3f2d1-validation"}"#.utf8)
            var headers: HTTPHeaders = ["Content-Type": "application/json; utf-8", "Webhook-ValidationCode": "a9c3f2d1-validation"]
            let unauthorized = try await client.execute(HTTPClientRequest(
                method: "POST", url: "\(base)/activity-webhook", headers: headers, body: body))
            #expect(unauthorized.status == 401)

            headers.add("webhook-authid", "test-auth-id-0123456789")  // header names are case-insensitive
            let validated = try await client.execute(HTTPClientRequest(
                method: "POST", url: "\(base)/activity-webhook", headers: headers, body: body))
            #expect(validated.status == 200)
            #expect(String(decoding: validated.body, as: UTF8.self).contains("a9c3f2d1-validation"))

            let wrongPath = try await client.execute(HTTPClientRequest(method: "POST", url: "\(base)/other", body: body))
            #expect(wrongPath.status == 404)
            let wrongMethod = try await client.execute(HTTPClientRequest(url: "\(base)/activity-webhook"))
            #expect(wrongMethod.status == 405)

            child.signal(SIGTERM)
            #expect(await child.waitForExit() == 0)
        }
    }

    @Test("a log reader that goes away does not stop serve: it still takes notifications and exits 0 on SIGTERM",
          arguments: [false, true])
    func logReaderGone(json: Bool) async throws {
        try await withTemporaryDirectory { dir in
            let config = try writeTestConfig(in: dir)
            let child = try ChildProcess(try TestBinaries.require("activityhook"),
                                         ["serve", "--config", config, "--log-format", json ? "json" : "human"], stderrToStdout: true)
            let ready = try #require(await child.waitForLine { $0.hasPrefix("activityhook ready") })
            let base = "http://" + ready.split(separator: " ").first { $0.hasPrefix("listen=") }!.dropFirst("listen=".count)
                .split(separator: ",")[0]
            child.closeOutput()  // every later log line fails with EPIPE (serve ignores SIGPIPE)
            let client = try HTTPClient()
            defer { client.shutdown() }
            let response = try await postNotification(client, base: base, contentId: "after-close")
            #expect(response.status == 200)
            child.signal(SIGTERM)  // shutting down logs several lines
            #expect(await child.waitForExit() == 0)
        }
    }

    @Test("a second serve on the same ledger is refused while the first runs, and allowed once it stopped")
    func oneServePerLedger() async throws {
        try await withTemporaryDirectory { dir in
            let (first, _) = try await self.startServe(dir)
            let config = dir.appendingPathComponent("activityhook.yaml").path
            let second = try await runCLI(["serve", "--config", config, "--log-format", "json"])
            #expect(second.status == 1)
            #expect(second.err.contains("another activityhook serve is running on this ledger"), "\(second.err)")
            first.signal(SIGTERM)
            #expect(await first.waitForExit() == 0)
            let (third, _) = try await self.startServe(dir)
            third.signal(SIGTERM)
            #expect(await third.waitForExit() == 0)
        }
    }

    @Test("with adminListen, healthz moves off the public listener")
    func adminListener() async throws {
        try await withTemporaryDirectory { dir in
            let (child, bases) = try await self.startServeAll(dir, extraServer: "  adminListen: \"127.0.0.1:0\"", json: true)
            try #require(bases.count == 2)
            let client = try HTTPClient()
            defer { client.shutdown() }
            let publicHealth = try await client.execute(HTTPClientRequest(url: "\(bases[0])/healthz"))
            #expect(publicHealth.status == 404)
            let adminHealth = try await client.execute(HTTPClientRequest(url: "\(bases[1])/healthz"))
            #expect(adminHealth.status == 200)
            child.signal(SIGINT)
            #expect(await child.waitForExit() == 0)
        }
    }

    @Test("terminating TLS without adminListen keeps healthz and metrics off the public listener unless asked")
    func tlsWithoutAdmin() async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir)
            let tls = "  tls:\n    certificate: \(pki.serverCertificate)\n    privateKey: \(pki.serverKey)"
            for (extra, expected) in [("", 404), ("\n  adminOnPublicListener: true", 200)] {
                let (child, base) = try await self.startServe(dir, extraServer: tls + extra)
                let https = base.replacingOccurrences(of: "http://", with: "https://")
                let client = try HTTPClient(configuration: HTTPClientConfiguration(extraCAFile: pki.caCertificate))
                defer { client.shutdown() }
                #expect(try await client.execute(HTTPClientRequest(url: "\(https)/healthz")).status == expected)
                #expect(try await client.execute(HTTPClientRequest(url: "\(https)/metrics")).status == expected)
                // The webhook itself is served either way (the handshake).
                let handshake = try await client.execute(HTTPClientRequest(
                    method: "POST", url: "\(https)/activity-webhook",
                    headers: ["Content-Type": "application/json", "Webhook-AuthID": "test-auth-id-0123456789"],
                    body: Array(#"{"validationCode":"abc"}"#.utf8)))
                #expect(handshake.status == 200)
                child.signal(SIGTERM)
                #expect(await child.waitForExit() == 0)
            }
        }
    }
}
