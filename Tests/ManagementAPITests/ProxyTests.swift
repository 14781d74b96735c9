import Foundation
import HookConfig
import HookHTTPClient
import HookHTTPServer
import HookManagementAPI
import HookEntraAuth
import HookRetry
import HookSimulator
import HookTestSupport
import SimulatorTestSupport
import Testing

/// The API through a real HTTPS proxy (Debian's tinyproxy, CONNECT tunnels) to the simulator over TLS with
/// the test's own CA (issue 12 item 3). Before `CURLOPT_SUPPRESS_CONNECT_HEADERS`, the proxy's
/// `HTTP/1.1 200 Connection established` was taken for a streamed response's status: a 429 or an error
/// body was then read as a blob's records.
@Suite("Through an HTTPS proxy (tinyproxy)", .serialized)
struct ProxyTests {
    /// A tinyproxy on a free loopback port, ready once it logs that it accepts connections.
    final class Tinyproxy: Sendable {
        let child: ChildProcess
        let url: String

        init(directory: URL) async throws {
            let port = try freePort()
            let config = directory.appendingPathComponent("tinyproxy.conf")
            // No ConnectPort lines: CONNECT to any port (the simulator's is not 443).
            try "Port \(port)\nListen 127.0.0.1\nTimeout 60\nLogLevel Info\nMaxClients 64\nAllow 127.0.0.1\n"
                .write(to: config, atomically: true, encoding: .utf8)
            self.child = try ChildProcess(URL(fileURLWithPath: "/usr/bin/tinyproxy"), ["-d", "-c", config.path])
            self.url = "http://127.0.0.1:\(port)"
            guard await self.child.waitForLine(where: { $0.contains("Accepting connections") }) != nil else {
                throw HTTPClientError(.transfer, "tinyproxy did not start")
            }
        }

        /// SIGKILL: tinyproxy's graceful stop waits for its tunnels' idle timeout.
        func stop() async {
            self.child.signal(SIGKILL)
            _ = await self.child.waitForExit()
        }
    }

    /// Tenant A's client over `http`, with its Audit.General subscription started (content published while
    /// stopped is lost).
    static func startedClient(_ sim: SimEnv, http: HTTPClient) async throws -> ManagementAPIClient {
        let client = simulatedTenantClient(url: sim.url, http: http, tenant: tenantA, app: appA, secret: secretA,
                                           publisher: publisher, backoff: Backoff(base: .milliseconds(5), cap: .milliseconds(20)))
        _ = try await client.start("Audit.General", webhook: nil)
        return client
    }

    /// Makes clients that go through the proxy: each new one opens a new tunnel, so its first request
    /// is the one that meets the proxy's CONNECT answer.
    struct ProxiedClients: Sendable {
        let configuration: HTTPClientConfiguration
        func make() throws -> HTTPClient { try HTTPClient(configuration: self.configuration) }
    }

    static func withProxiedSim(_ body: @Sendable (SimEnv, HTTPClient, Tinyproxy) async throws -> Void) async throws {
        try await Self.withProxiedSim { sim, clients, proxy in
            let proxied = try clients.make()
            defer { proxied.shutdown() }
            try await body(sim, proxied, proxy)
        }
    }

    static func withProxiedSim(_ body: @Sendable (SimEnv, ProxiedClients, Tinyproxy) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir.appendingPathComponent("pki"))
            let proxy = try await Tinyproxy(directory: dir)
            do {
                let tls = HTTPServerConfiguration.TLS(certificatePEM: try String(contentsOfFile: pki.serverCertificate, encoding: .utf8),
                                                      privateKeyPEM: try String(contentsOfFile: pki.serverKey, encoding: .utf8))
                try await withInProcessSimulator(scenario: SimEnv.scenario(), webhookTLS: WebhookClientTLS(caFile: pki.caCertificate),
                                                 tls: tls) { url, direct in
                    #expect(url.hasPrefix("https://"))
                    var api = APIConfig()
                    api.proxy = Secret(proxy.url)
                    let clients = ProxiedClients(configuration: .outbound(api, extraCAFile: pki.caCertificate, environment: [:]))
                    try await body(SimEnv(url: url, http: direct), clients, proxy)
                }
            } catch {
                await proxy.stop()
                throw error
            }
            await proxy.stop()
        }
    }

    @Test("statuses come through the tunnel as the server sent them, streamed or collected", .timeLimit(.minutes(2)))
    func statusesThroughTheTunnel() async throws {
        try await Self.withProxiedSim { (sim: SimEnv, clients: ProxiedClients, _: Tinyproxy) in
            _ = try await Self.startedClient(sim, http: sim.http)
            let published = try await sim.control("POST", "publish",
                #"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":1,"recordsPerBlob":3,"notify":false}"#)
            let blobURI = try #require(((published["published"] as? [[String: Any]])?.first?["contentUri"]) as? String)
            let uri = blobURI + "?PublisherIdentifier=\(publisher)"
            try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"blob","kind":"throttle","retryAfterSeconds":7,"count":2}]}"#)
            // Streamed, as a new tunnel's first request: the head is answered at the first blank line, which
            // used to be the end of the proxy's "200 Connection established".
            let first = try clients.make()
            defer { first.shutdown() }
            let streamed = try await first.stream(HTTPClientRequest(url: uri))
            #expect(streamed.status == 429)
            #expect(streamed.headers["Retry-After"] == "7")
            #expect(streamed.headers["x-ms-error-code"] == "TooManyRequests")
            #expect(String(decoding: try await streamed.body.collect(upTo: 1 << 20), as: UTF8.self).contains("TooManyRequests"))
            let second = try clients.make()
            defer { second.shutdown() }
            #expect(try await second.execute(HTTPClientRequest(url: uri)).status == 429)
            try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"blob","kind":"5xx","status":401,"count":1}]}"#)
            let third = try clients.make()
            defer { third.shutdown() }
            let refused = try await third.stream(HTTPClientRequest(url: uri))
            #expect(refused.status == 401)
            _ = try await refused.body.collect(upTo: 1 << 20)
        }
    }

    @Test("a token refresh after a 401, listings and blob bytes come through the proxy unchanged", .timeLimit(.minutes(2)))
    func apiThroughTheProxy() async throws {
        try await Self.withProxiedSim { (sim: SimEnv, proxied: HTTPClient, proxy: Tinyproxy) in
            let client = try await Self.startedClient(sim, http: proxied)
            let published = try await sim.control("POST", "publish",
                #"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":2,"recordsPerBlob":50,"notify":false}"#)
            let uris = ((published["published"] as? [[String: Any]]) ?? []).compactMap { $0["contentUri"] as? String }
            #expect(uris.count == 2)
            // The token is refused once: the client refreshes it through the proxy and the call succeeds.
            try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"content","kind":"expiredToken","count":1}]}"#)
            let listing = try await client.content("Audit.General")
            #expect(Set(listing.blobs.map(\.contentURI)) == Set(uris))
            #expect(await client.tokens.fetchCount == 2, "one token for start, one after the 401")
            for uri in uris {
                let response = try await client.streamBlob(uri)  // held: dropping it cancels the transfer
                let viaProxy = try await response.body.collect(upTo: 16 << 20)
                #expect(response.status == 200)
                let token = try await client.tokens.token().value
                let direct = try await sim.http.execute(HTTPClientRequest(
                    url: uri + "?PublisherIdentifier=\(publisher)", headers: ["Authorization": "Bearer \(token)"]))
                #expect(direct.status == 200)
                #expect(viaProxy == direct.body, "the blob's bytes are the server's, byte for byte")
                #expect(!viaProxy.isEmpty)
            }
            // Every call went through the proxy: it logged the CONNECT tunnels.
            proxy.child.signal(SIGKILL)
            var tunnels = 0
            while let line = await proxy.child.nextLine() {
                if line.contains("CONNECT") && line.contains("Request") { tunnels += 1 }
            }
            #expect(tunnels >= 1)
        }
    }
}
