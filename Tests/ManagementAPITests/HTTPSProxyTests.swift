import Foundation
import HookConfig
import HookEntraAuth
import HookHTTPClient
import HookHTTPServer
import HookManagementAPI
import HookRetry
import HookSimulator
import HookTestSupport
import SimulatorTestSupport
import Testing

/// Issue 12 item 3: the API behind a real HTTPS proxy (tinyproxy, CONNECT tunnels) to the simulator over
/// TLS with the test's own CA, configured through `api.proxy`. Without CURLOPT_SUPPRESS_CONNECT_HEADERS
/// the proxy's `HTTP/1.1 200 Connection established` was delivered as a streamed response's status.
@Suite(.serialized) struct HTTPSProxyTests {
    /// The simulator over HTTPS, a client for it through a fresh tinyproxy, and the proxy's log afterwards.
    func withProxiedSimulator(_ body: @Sendable (SimEnv, HTTPClient) async throws -> Void) async throws -> [String] {
        try await withTemporaryDirectory { directory in
            let pki = try await TestPKI(in: directory.appendingPathComponent("pki"))
            let proxy = try await Tinyproxy(directory: directory)
            let tls = HTTPServerConfiguration.TLS(
                certificatePEM: try String(contentsOfFile: pki.serverCertificate, encoding: .utf8),
                privateKeyPEM: try String(contentsOfFile: pki.serverKey, encoding: .utf8))
            do {
                try await withInProcessSimulator(scenario: SimEnv.scenario(), webhookTLS: WebhookClientTLS(caFile: pki.caCertificate),
                                                 tls: tls) { url, direct in
                    #expect(url.hasPrefix("https://127.0.0.1:"))
                    let api = APIConfig(proxy: Secret(proxy.url))
                    // An empty environment: no NO_PROXY of the machine running the test can bypass the proxy.
                    let proxied = try HTTPClient(configuration: .outbound(api, extraCAFile: pki.caCertificate, environment: [:]))
                    defer { proxied.shutdown() }
                    try await body(SimEnv(url: url, http: direct), proxied)
                }
            } catch {
                _ = await proxy.stop()
                throw error
            }
            return await proxy.stop()
        }
    }

    /// Starts the subscription (through the proxy) and publishes `blobs` blobs.
    func publish(_ sim: SimEnv, _ client: ManagementAPIClient, blobs: Int, records: Int) async throws -> [String] {
        _ = try await client.start("Audit.General", webhook: nil)
        let answer = try await sim.control("POST", "publish",
            #"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":\#(blobs),"recordsPerBlob":\#(records),"notify":false}"#)
        return ((answer["published"] as? [[String: Any]]) ?? []).compactMap { $0["contentUri"] as? String }
    }

    func client(_ sim: SimEnv, _ proxied: HTTPClient) -> ManagementAPIClient {
        simulatedTenantClient(url: sim.url, http: proxied, tenant: tenantA, app: appA, secret: secretA,
                              publisher: publisher, backoff: Backoff(base: .milliseconds(5), cap: .milliseconds(20)))
    }

    @Test(.timeLimit(.minutes(2)))
    func a429AndA401ThroughTheProxyComeThroughAsSuch() async throws {
        let log = try await self.withProxiedSimulator { sim, proxied in
            let uri = try #require(try await self.publish(sim, self.client(sim, proxied), blobs: 1, records: 3).first)
            try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"blob","kind":"throttle","retryAfterSeconds":7,"count":2}]}"#)
            // Streamed: the head is delivered at the first blank line after a 2xx, once the CONNECT answer's.
            let streamed = try await proxied.stream(HTTPClientRequest(url: uri, kind: .blob))
            #expect(streamed.status == 429)
            #expect(streamed.headers["Retry-After"] == "7")
            #expect(String(decoding: try await streamed.body.collect(upTo: 1 << 20), as: UTF8.self).contains("TooManyRequests"))
            #expect(try await proxied.execute(HTTPClientRequest(url: uri)).status == 429)
            try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"blob","kind":"expiredToken","count":1}]}"#)
            let refused = try await proxied.stream(HTTPClientRequest(url: uri, kind: .blob))
            #expect(refused.status == 401)
            _ = try await refused.body.collect(upTo: 1 << 20)
        }
        #expect(log.contains { $0.contains("CONNECT") }, "the requests did not go through the proxy")
    }

    @Test(.timeLimit(.minutes(2)))
    func aTokenRefreshAfterA401AndTheBlobBytesComeThroughUnchanged() async throws {
        let log = try await self.withProxiedSimulator { sim, proxied in
            let client = self.client(sim, proxied)
            let uris = try await self.publish(sim, client, blobs: 2, records: 50)
            #expect(uris.count == 2)
            // The listing's token is refused once: the client fetches a new one through the proxy and retries.
            try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"content","kind":"expiredToken","count":1}]}"#)
            let listing = try await client.content("Audit.General")
            #expect(Set(listing.blobs.map(\.contentURI)) == Set(uris))
            #expect(await client.tokens.fetchCount == 2)
            let token = try await client.tokens.token().value
            for uri in uris {
                let response = try await client.streamBlob(uri)  // held: dropping a streamed response cancels it
                let viaProxy = try await response.body.collect(upTo: 16 << 20)
                let direct = try await sim.http.execute(HTTPClientRequest(
                    url: uri + "?PublisherIdentifier=\(publisher)", headers: ["Authorization": "Bearer \(token)"]))
                #expect(direct.status == 200)
                #expect(!viaProxy.isEmpty)
                #expect(viaProxy == direct.body, "the blob's bytes are the server's, byte for byte")
            }
        }
        #expect(log.contains { $0.contains("CONNECT") }, "the requests did not go through the proxy")
    }
}
