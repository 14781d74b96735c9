import Foundation
import HookHTTPClient
import HookSQLite
import HookTestSupport
import Testing

/// `activityhook serve` behind a real nginx (TLS with a test CA), using the shipped location rules.
@Suite("Behind nginx (real nginx, TLS, shipped locations file)")
struct NginxProxyTests {
    static let nginx = "/usr/sbin/nginx"

    // nginx is installed by scripts/setup; a missing nginx fails this test rather than skipping it.
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

    /// Starts nginx on a free port and returns once its listening socket is open: nginx logs its
    /// "getrlimit(RLIMIT_NOFILE)" notice (to stderr) after binding, and connections made before it accepts
    /// wait in the backlog. One process (`master_process off`): a worker cannot outlive the test when the
    /// process is killed. Should the port from ``freePort()`` be taken before nginx binds it, nginx exits
    /// with "Address already in use" and is started on another one.
    static func startNginx(in dir: URL, upstreamPort: String, pki: TestPKI) async throws -> (ChildProcess, UInt16) {
        let locations = repositoryRoot.appendingPathComponent("webhook-config/nginx/activityhook-locations.conf").path
        for _ in 0..<5 {
            let proxyPort = try freePort()
            let conf = """
                master_process off;
                error_log stderr notice;
                pid \(dir.path)/nginx.pid;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path \(dir.path)/body; proxy_temp_path \(dir.path)/proxy;
                    fastcgi_temp_path \(dir.path)/fcgi; uwsgi_temp_path \(dir.path)/uwsgi; scgi_temp_path \(dir.path)/scgi;
                    upstream activityhook { server 127.0.0.1:\(upstreamPort); keepalive 8; }
                    server {
                        listen 127.0.0.1:\(proxyPort) ssl;
                        ssl_certificate \(pki.serverCertificate);
                        ssl_certificate_key \(pki.serverKey);
                        include \(locations);
                    }
                }
                """
            try conf.write(toFile: dir.appendingPathComponent("nginx.conf").path, atomically: true, encoding: .utf8)
            let proxy = try ChildProcess(URL(fileURLWithPath: Self.nginx),
                                         ["-p", dir.path, "-c", dir.appendingPathComponent("nginx.conf").path, "-g", "daemon off;"],
                                         stderrToStdout: true)
            let line = await proxy.waitForLine { $0.contains("getrlimit(RLIMIT_NOFILE)") || $0.contains("[emerg]") }
            if let line, line.contains("getrlimit") { return (proxy, proxyPort) }
            _ = await proxy.waitForExit()
            guard let line, line.contains("Address already in use") else {
                throw TestSupportError("nginx did not start: \(line ?? "no output")")
            }
        }
        throw TestSupportError("nginx found no free port in 5 attempts")
    }
}
