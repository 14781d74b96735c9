import Foundation
import HookHTTPClient
import HookHTTPServer
import HookRecords
import HookSimulator
import HookTestSupport
import SimulatorTestSupport
import Testing

/// Issue 15 item 4 (docs/mtls.md): the shipped `webhook-config/nginx/activityhook.conf` itself, with a test CA,
/// in front of the built `serve`. The simulator registers the webhook and delivers its notifications over
/// HTTPS through nginx with a client certificate for manage.office.com; every record reaches the file sink
/// and the Logs Ingestion fake. No certificate, or one of another name from the same CA, is refused.
@Suite struct NginxMTLSTests {
    static let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    /// The shipped site with this test's ports, certificates and locations file substituted; every other line
    /// (the name-pinning map, `ssl_verify_client`, the `if`) is the file as shipped.
    static func shippedSite(port: UInt16, upstreamPort: String, pki: TestPKI) throws -> String {
        let path = Self.repositoryRoot.appendingPathComponent("webhook-config/nginx/activityhook.conf").path
        var site = try String(contentsOfFile: path, encoding: .utf8)
        let locations = Self.repositoryRoot.appendingPathComponent("webhook-config/nginx/activityhook-locations.conf").path
        let substitutions = [
            ("listen 443 ssl http2;", "listen 127.0.0.1:\(port) ssl http2;"),
            ("server 127.0.0.1:8080;", "server 127.0.0.1:\(upstreamPort);"),
            ("/etc/letsencrypt/live/activityhook.example.com/fullchain.pem", pki.serverCertificate),
            ("/etc/letsencrypt/live/activityhook.example.com/privkey.pem", pki.serverKey),
            ("ssl_client_certificate /etc/ssl/certs/ca-certificates.crt;", "ssl_client_certificate \(pki.caCertificate);"),
            ("include /etc/nginx/snippets/activityhook-locations.conf;", "include \(locations);"),
        ]
        for (shipped, local) in substitutions {
            guard site.contains(shipped) else { throw TestSupportError("the shipped nginx site no longer has `\(shipped)`") }
            site = site.replacingOccurrences(of: shipped, with: local)
        }
        return site
    }

    @Test(.timeLimit(.minutes(4)))
    func theSimulatorDeliversThroughTheShippedNginxWithMTLSAndEveryRecordLands() async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir.appendingPathComponent("pki"))
            let microsoft = try await pki.issueClientCertificate(name: "manage.office.com", file: "microsoft")
            let other = try await pki.issueClientCertificate(name: "evil.example.com", file: "other")
            let tls = WebhookClientTLS(caFile: pki.caCertificate, certificateFile: microsoft.certificate, keyFile: microsoft.key)
            try await withInProcessSimulator(scenario: FwdSim.scenario(), webhookTLS: tls) { url, http in
                let sim = FwdSim(url: url, http: http)
                // serve first (its port goes into nginx), then nginx (its port goes into the webhook's address).
                let configPath = dir.appendingPathComponent("activityhook.yaml").path
                func writeConfig(publicURL: String) throws {
                    try """
                        server: { listen: "127.0.0.1:0", path: /activity-webhook, publicUrl: "\(publicURL)", authId: "test-auth-id-0123456789" }
                        state: { path: ./state.sqlite }
                        api: { apiRoot: "\(url)", loginUrl: "\(url)", publisherId: "\(publisher)" }
                        tenants: [ { tenantId: "\(tenantA)", clientId: "\(appA)", clientSecret: "\(secretA)", contentTypes: [Audit.General] } ]
                        sinks:
                          - { name: archive, type: file, path: ./records.jsonl }
                          - { name: sentinel, type: logs-ingestion, endpoint: "\(url)", dcrImmutableId: "\(EndToEnd.dcr)", stream: Custom-O365Audit }
                        """.write(toFile: configPath, atomically: true, encoding: .utf8)
                }
                try writeConfig(publicURL: "https://127.0.0.1:9/activity-webhook")
                let serve = try ChildProcess(try TestBinaries.require("activityhook"),
                                             ["serve", "--config", configPath, "--no-poller", "--watchdog-interval", "0", "--log-format", "json"],
                                             stderrToStdout: true)
                defer { serve.signal(SIGKILL) }
                let ready = try #require(await serve.waitForLine { $0.hasPrefix("activityhook ready") })
                let servePort = String(ready.split(separator: " ").first { $0.hasPrefix("listen=") }!.split(separator: ":").last!)
                let nginxDir = dir.appendingPathComponent("nginx")
                try FileManager.default.createDirectory(at: nginxDir, withIntermediateDirectories: true)
                let (nginx, port) = try await Nginx.start(in: nginxDir) { port in
                    (try? Self.shippedSite(port: port, upstreamPort: servePort, pki: pki)) ?? "# the shipped site is missing"
                }
                defer { nginx.signal(SIGQUIT) }
                let webhook = "https://127.0.0.1:\(port)/activity-webhook"
                try writeConfig(publicURL: webhook)

                // Refused by nginx: no client certificate, and a certificate of another name from the same CA.
                let notice = #"[{"tenantId":"\#(tenantA)","clientId":"\#(appA)","contentType":"Audit.General","contentId":"x$y","contentUri":"\#(url)/api/v1.0/\#(tenantA)/activity/feed/audit/x"}]"#
                let headers: HTTPHeaders = ["Content-Type": "application/json; utf-8", "Webhook-AuthID": "test-auth-id-0123456789"]
                for certificate in [nil, other] {
                    var configuration = HTTPClientConfiguration(extraCAFile: pki.caCertificate)
                    configuration.clientCertificateFile = certificate?.certificate
                    configuration.clientKeyFile = certificate?.key
                    let client = try HTTPClient(configuration: configuration)
                    let answer = try await client.execute(HTTPClientRequest(method: "POST", url: webhook, headers: headers, body: Array(notice.utf8)))
                    client.shutdown()
                    #expect(answer.status == (certificate == nil ? 400 : 403), "certificate \(certificate?.certificate ?? "none"): \(answer.status)")
                }

                // The simulator validates the webhook through nginx (with its manage.office.com certificate).
                let register = try await runActivityhook(["register", "--config", configPath, "--start-interval", "0"])
                #expect(register.status == 0, "\(register.output)")
                #expect(try await sim.control("GET", "counters")["validations"] as? Int ?? 0 >= 1)
                // Published with notifications: delivered over HTTPS through nginx; nothing is listed by a poller.
                let published = try await sim.control("POST", "publish", """
                    {"tenant":"\(tenantA)","contentType":"Audit.General","blobs":6,"recordsPerBlob":50,"notify":true}
                    """)
                let uris = try #require(published["published"] as? [[String: Any]]).compactMap { $0["contentUri"] as? String }
                #expect(uris.count == 6)
                var expected = Set<String>()
                for uri in uris {
                    let response = try await sim.client().streamBlob(uri)
                    let body = try await response.body.collect(upTo: 64 << 20)
                    withExtendedLifetime(response) {}
                    expected.formUnion(try RecordSplitter.split(body).compactMap(\.id))
                }
                #expect(expected.count == 300)
                let waited = try await sim.control("GET", "wait?counter=ingestedRecords&atLeast=\(expected.count)&timeoutSeconds=120")
                #expect(waited["reached"] as? Bool == true, "Logs Ingestion got \(waited["value"] ?? "?") of \(expected.count)")
                let watch = CaughtUpWatch()
                #expect(try await watch.wait(serve, sinks: ["archive", "sentinel"], within: 120))
                let fileIds = try Set(String(contentsOfFile: dir.appendingPathComponent("records.jsonl").path, encoding: .utf8)
                    .split(separator: "\n").compactMap { try RecordSplitter.split(Array("[\($0)]".utf8)).first?.id })
                #expect(fileIds == expected)
                let ingested = try await EndToEnd.ingestedIds(sim)
                #expect(ingested.count == expected.count)
                #expect(Set(ingested) == expected)
                let counters = try await sim.control("GET", "counters")
                #expect((counters["notificationsSent"] as? [String: Any])?.isEmpty == false, "\(counters)")
                serve.signal(SIGTERM)
                #expect(await serve.waitForExit() == 0)
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func serveItselfPinsTheClientCertificatesName() async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir.appendingPathComponent("pki"))
            let microsoft = try await pki.issueClientCertificate(name: "manage.office.com", file: "microsoft")
            let other = try await pki.issueClientCertificate(name: "evil.example.com", file: "other")
            let tls = "  tls: { certificate: \"\(pki.serverCertificate)\", privateKey: \"\(pki.serverKey)\", clientCA: \"\(pki.caCertificate)\" }"
            let config = try writeTestConfig(in: dir, extraServer: tls)
            let serve = try ChildProcess(try TestBinaries.require("activityhook"), ["serve", "--config", config, "--no-poller", "--watchdog-interval", "0"])
            defer { serve.signal(SIGKILL) }
            let ready = try #require(await serve.waitForLine { $0.hasPrefix("activityhook ready") })
            let listen = ready.split(separator: " ").first { $0.hasPrefix("listen=") }!.dropFirst("listen=".count)
            let body = Array(#"{"validationCode":"pin-check"}"#.utf8)
            let headers: HTTPHeaders = ["Content-Type": "application/json; utf-8", "Webhook-ValidationCode": "pin-check",
                                        "Webhook-AuthID": "test-auth-id-0123456789"]
            var statuses: [Int] = []
            for certificate in [microsoft, other] {
                var configuration = HTTPClientConfiguration(extraCAFile: pki.caCertificate)
                configuration.clientCertificateFile = certificate.certificate
                configuration.clientKeyFile = certificate.key
                let client = try HTTPClient(configuration: configuration)
                statuses.append(try await client.execute(HTTPClientRequest(
                    method: "POST", url: "https://\(listen)/activity-webhook", headers: headers, body: body)).status)
                client.shutdown()
            }
            // The commercial cloud's name by default (server.tls.clientName unset).
            #expect(statuses == [200, 403])
            serve.signal(SIGTERM)
            #expect(await serve.waitForExit() == 0)
        }
    }
}
