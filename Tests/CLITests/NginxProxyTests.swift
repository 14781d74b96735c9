import Foundation
import HookHTTPClient
import HookSQLite
import HookTestSupport
import Testing

/// `activityhook serve` behind a real nginx (TLS with a test CA), using the shipped location rules.
@Suite("Behind nginx (real nginx, TLS, shipped locations file)")
struct NginxProxyTests {
    @Test("a notification through nginx over HTTPS is stored; private paths are not exposed")
    func throughNginx() async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir.appendingPathComponent("pki"))
            let config = try writeTestConfig(in: dir)
            let serve = try ChildProcess(try TestBinaries.require("activityhook"), ["serve", "--config", config, "--log-level", "error"])
            let ready = try #require(await serve.waitForLine { $0.hasPrefix("activityhook ready") })
            let servePort = ready.split(separator: " ").first { $0.hasPrefix("listen=") }!.split(separator: ":").last!
            let (proxy, proxyPort) = try await Self.startNginx(in: dir, upstreamPort: String(servePort), pki: pki)
            defer { proxy.signal(SIGQUIT) }
            let client = try HTTPClient(configuration: HTTPClientConfiguration(extraCAFile: pki.caCertificate))
            defer { client.shutdown() }
            let base = "https://127.0.0.1:\(proxyPort)"
            let response = try await postNotification(client, base: base, contentId: "via-nginx")
            #expect(response.status == 200)
            #expect(try await client.execute(HTTPClientRequest(url: "\(base)/metrics")).status == 404)
            #expect(try await client.execute(HTTPClientRequest(url: "\(base)/activity-webhook")).status == 403)
            let big = try await client.execute(HTTPClientRequest(
                method: "POST", url: "\(base)/activity-webhook", headers: ["Content-Type": "application/json"],
                body: Array(repeating: 0x20, count: 2 << 20)))
            #expect(big.status == 413)
            serve.signal(SIGTERM)
            #expect(await serve.waitForExit() == 0)
            let database = try await SQLiteDatabase.open(path: dir.appendingPathComponent("state.sqlite").path)
            let rows = try await database.read { try $0.query("SELECT content_id FROM blobs", []).count }
            await database.close()
            #expect(rows == 1)
        }
    }

    /// nginx with the shipped locations file in front of `serve` on `upstreamPort`.
    static func startNginx(in dir: URL, upstreamPort: String, pki: TestPKI) async throws -> (ChildProcess, UInt16) {
        let locations = repositoryRoot.appendingPathComponent("webhook-config/nginx/activityhook-locations.conf").path
        return try await Nginx.start(in: dir) { port in
            """
            upstream activityhook { server 127.0.0.1:\(upstreamPort); keepalive 8; }
            server {
                listen 127.0.0.1:\(port) ssl;
                ssl_certificate \(pki.serverCertificate);
                ssl_certificate_key \(pki.serverKey);
                include \(locations);
            }
            """
        }
    }
}
