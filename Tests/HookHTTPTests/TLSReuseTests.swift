import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

/// Issue 14 (docs/tls-performance.md): one trust store and one TLS session cache per client, and HTTP/2
/// streams that do not wait for each other, against a real nginx with a CA made in the test.
@Suite struct TLSReuseTests {
    /// nginx over TLS serving `big.bin` (8 MB of pattern bytes) and `small.txt`. `closeEachRequest` makes
    /// every connection carry one request; the access log holds `$ssl_session_reused` per request.
    static func withNginx(http2: Bool = false, closeEachRequest: Bool = false,
                          _ body: @Sendable (URL, TestPKI, UInt16) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir.appendingPathComponent("pki"))
            let www = dir.appendingPathComponent("www")
            try FileManager.default.createDirectory(at: www, withIntermediateDirectories: true)
            try Data(patternBytes(8 << 20)).write(to: www.appendingPathComponent("big.bin"))
            try Data("small\n".utf8).write(to: www.appendingPathComponent("small.txt"))
            let log = dir.appendingPathComponent("access.log").path
            let (nginx, port) = try await Nginx.start(in: dir) { port in
                """
                log_format reuse "$ssl_session_reused $request_uri";
                server {
                    listen 127.0.0.1:\(port) ssl\(http2 ? " http2" : "");
                    ssl_certificate \(pki.serverCertificate);
                    ssl_certificate_key \(pki.serverKey);
                    ssl_protocols TLSv1.2 TLSv1.3;
                    ssl_session_cache shared:TLS:1m;
                    access_log \(log) reuse;
                    \(closeEachRequest ? "keepalive_requests 1;" : "")
                    root \(www.path);
                }
                """
            }
            defer { nginx.signal(SIGQUIT) }
            try await body(dir, pki, port)
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aNewConnectionOnAnotherHandleResumesTheTLSSessionOfTheFirst() async throws {
        try await Self.withNginx(closeEachRequest: true) { dir, pki, port in
            var configuration = HTTPClientConfiguration(extraCAFile: pki.caCertificate)
            configuration.httpVersion = .http1_1
            try await withClient(configuration) { client in
                let url = "https://127.0.0.1:\(port)/small.txt"
                // One request first: its session is the only one any handle has negotiated.
                #expect(try await client.execute(HTTPClientRequest(url: url)).status == 200)
                // Then four at once, on four handles (three of them new), each on a new connection since
                // nginx closes every connection after one request.
                let statuses = try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<4 { group.addTask { try await client.execute(HTTPClientRequest(url: url)).status } }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
                #expect(statuses == [200, 200, 200, 200])
            }
            // nginx writes the log line after the response; the client has shut down by now.
            let lines = try String(contentsOf: dir.appendingPathComponent("access.log"), encoding: .utf8)
                .split(separator: "\n").map(String.init)
            #expect(lines.count == 5)
            #expect(lines.first?.hasPrefix(".") == true, "the first connection made a full handshake: \(lines)")
            // Without the share handle, the three new handles would each make a full handshake (".").
            #expect(lines.dropFirst().allSatisfy { $0.hasPrefix("r ") }, "every later connection resumed: \(lines)")
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aStalledHTTP2StreamDoesNotHoldBackTheOtherStreamsOfItsConnection() async throws {
        try await Self.withNginx(http2: true) { _, pki, port in
            let relay = try StallingRelay(upstreamPort: port, marker: "\u{0}never\u{0}", stalls: 0)
            defer { relay.close() }
            var configuration = HTTPClientConfiguration(extraCAFile: pki.caCertificate)
            configuration.httpVersion = .http2
            try await withClient(configuration) { client in
                let url = "https://127.0.0.1:\(relay.port)/big.bin"
                // The slow consumer reads one chunk and stops: its transfer pauses at the buffer's high water.
                let slow = try await client.stream(HTTPClientRequest(url: url, kind: .blob), bufferBytes: 256 << 10)
                var slowReader = slow.body.makeAsyncIterator()
                var slowBytes = try #require(try await slowReader.next())
                // Two more streams on the same connection must complete while it stays paused.
                let fast = try await firstResult(within: 60) { () -> [[UInt8]]? in
                    await withTaskGroup(of: [UInt8]?.self) { group in
                        for _ in 0..<2 {
                            group.addTask {
                                guard let response = try? await client.stream(HTTPClientRequest(url: url, kind: .blob)) else { return nil }
                                return try? await response.body.collect(upTo: 16 << 20)
                            }
                        }
                        var bodies: [[UInt8]] = []
                        for await body in group { if let body { bodies.append(body) } }
                        return bodies
                    }
                }
                let bodies = try #require(fast, "the other streams waited for the stalled one")
                #expect(bodies.count == 2)
                #expect(bodies.allSatisfy { $0 == patternBytes(8 << 20) })
                #expect(relay.connections == 1, "the three streams shared one connection (HTTP/2)")
                // The stalled stream then resumes and its bytes are intact.
                while let chunk = try await slowReader.next() { slowBytes += chunk }
                #expect(slowBytes == patternBytes(8 << 20))
            }
        }
    }

    @Test
    func aCAFileWithoutACertificateIsRefusedWhenTheClientIsMade() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("empty.pem").path
            try Data("not a certificate\n".utf8).write(to: URL(fileURLWithPath: path))
            #expect(throws: HTTPClientError.self) { try HTTPClient(configuration: HTTPClientConfiguration(extraCAFile: path)) }
            // A real CA file is accepted, with the system bundle beside it.
            let pki = try await TestPKI(in: dir.appendingPathComponent("pki"))
            let client = try HTTPClient(configuration: HTTPClientConfiguration(extraCAFile: pki.caCertificate))
            client.shutdown()
        }
    }
}
