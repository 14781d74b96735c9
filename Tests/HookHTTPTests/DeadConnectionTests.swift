import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

/// Issue 12 item 2 (docs/stalled-transfers.md): a dead connection is detected by the kernel and, with
/// HTTP/2, one stream's timeout fails every stream multiplexed on it, so the blobs are retried on a new
/// connection instead of each waiting out its own limit.
@Suite struct DeadConnectionTests {
    /// Real nginx serving static files over TLS with HTTP/2; `/slow/` is sent at 200 KB/s per request, so
    /// a transfer of `big.bin` (8 MB) is still running when the test freezes the connection.
    static func withHTTP2Nginx(_ body: @Sendable (StallingRelay, HTTPClientConfiguration) async throws -> Void) async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir.appendingPathComponent("pki"))
            let www = dir.appendingPathComponent("www")
            try FileManager.default.createDirectory(at: www.appendingPathComponent("slow"), withIntermediateDirectories: true)
            try Data(patternBytes(8 << 20)).write(to: www.appendingPathComponent("slow/big.bin"))
            try Data("fresh connection\n".utf8).write(to: www.appendingPathComponent("small.txt"))
            let (nginx, port) = try await Nginx.start(in: dir) { port in
                """
                server {
                    listen 127.0.0.1:\(port) ssl http2;
                    ssl_certificate \(pki.serverCertificate);
                    ssl_certificate_key \(pki.serverKey);
                    root \(www.path);
                    location /slow/ { limit_rate 200k; }
                }
                """
            }
            defer { nginx.signal(SIGQUIT) }
            let relay = try StallingRelay(upstreamPort: port, marker: "\u{0}never\u{0}", stalls: 0)
            defer { relay.close() }
            try await body(relay, HTTPClientConfiguration(extraCAFile: pki.caCertificate))
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aTimeoutOnOneStreamFailsEveryStreamOfItsDeadConnectionAndTheRetryUsesANewOne() async throws {
        try await Self.withHTTP2Nginx { relay, configuration in
            // Default low-speed limit (1 B/s for 60 s) and blob deadline (30 min): without the socket
            // shutdown, the other streams would each wait out their own limit and fail by timeout.
            try await withClient(configuration) { client in
                let url = "https://127.0.0.1:\(relay.port)/slow/big.bin"
                // Four streams; the second (the canary, on a reused connection) has a short deadline of its
                // own: it is the one stream that times out. Iterators of one body share its buffer, so a
                // later iterator reads on where the first one stopped.
                var responses = [HTTPStreamingResponse]()  // kept: dropping one unfinished cancels it
                for index in 0..<4 {
                    let response = try await client.stream(HTTPClientRequest(url: url, timeout: index == 1 ? .seconds(4) : nil, kind: .blob))
                    #expect(response.status == 200)
                    var reader = response.body.makeAsyncIterator()
                    #expect(try await reader.next() != nil)
                    responses.append(response)
                }
                let streams = responses
                // Four transfers at once on one connection: they are multiplexed (HTTP/2).
                #expect(relay.connections == 1)
                relay.freeze()
                let outcomes = try await firstResult(within: 150) { () -> [HTTPClientError.Code?] in
                    await withTaskGroup(of: (Int, HTTPClientError.Code?).self) { group in
                        for (index, response) in streams.enumerated() {
                            group.addTask {
                                var reader = response.body.makeAsyncIterator()
                                do {
                                    while try await reader.next() != nil {}
                                    return (index, nil)
                                } catch {
                                    return (index, (error as? HTTPClientError)?.code ?? .transfer)
                                }
                            }
                        }
                        var codes = [HTTPClientError.Code?](repeating: nil, count: 4)
                        for await (index, code) in group { codes[index] = code }
                        return codes
                    }
                }
                let codes = try #require(outcomes)
                #expect(codes[1] == .timeout, "the canary ended with \(String(describing: codes[1]))")
                for code in [codes[0], codes[2], codes[3]] {
                    // Failed by the connection's shutdown, not by a timeout of their own.
                    #expect(code != nil && code != .timeout, "a stream on the dead connection ended with \(String(describing: code))")
                }
                // The next request opens a new connection and succeeds.
                let fresh = try await client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(relay.port)/small.txt"))
                #expect(fresh.status == 200)
                #expect(fresh.body == Array("fresh connection\n".utf8))
                #expect(relay.connections == 2)
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func aStreamCancelledMidBodyOnAnHTTP2ConnectionLeavesTheClientServingTheNextRequests() async throws {
        try await Self.withHTTP2Nginx { relay, configuration in
            try await withClient(configuration) { client in
                let url = "https://127.0.0.1:\(relay.port)/slow/big.bin"
                // A stream that stays open keeps the connection in use while the others are cancelled.
                let holder = try await client.stream(HTTPClientRequest(url: url, kind: .blob))
                var holding = holder.body.makeAsyncIterator()
                #expect(try await holding.next() != nil)
                for _ in 0..<2 {
                    let dropped = try await client.stream(HTTPClientRequest(url: url, kind: .blob))
                    var reader = dropped.body.makeAsyncIterator()
                    #expect(try await reader.next() != nil)
                }  // each unfinished response is dropped here, which cancels its transfer
                // Before the fix, the cancelled transfers' handles were pooled and libcurl refused the next
                // transfer's options ("CURLOPT_BUFFERSIZE: A libcurl function was given a bad argument").
                for _ in 0..<3 {
                    let next = try await client.execute(HTTPClientRequest(url: "https://127.0.0.1:\(relay.port)/small.txt"))
                    #expect(next.status == 200)
                    #expect(next.body == Array("fresh connection\n".utf8))
                }
                withExtendedLifetime(holder) {}
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func everyClientSocketCarriesKeepaliveAndATCPUserTimeoutOfTheLowSpeedTime() async throws {
        try await withServer { server in
            let relay = try StallingRelay(upstreamPort: server.port, marker: "POST /hold", stalls: 1, keepBytes: 256)
            defer { relay.close() }
            let configuration = HTTPClientConfiguration(lowSpeedTime: .seconds(45))
            try await withClient(configuration) { client in
                let request = HTTPClientRequest(method: "POST", url: "\(relay.url)/hold", body: patternBytes(64 << 10), kind: .blob)
                let reader = Task { () -> [UInt8]? in
                    // Held in a local: a dropped unfinished response cancels its transfer.
                    guard let response = try? await client.stream(request) else { return nil }
                    return try? await response.body.collect(upTo: 1 << 20)
                }
                defer { reader.cancel() }
                #expect(await relay.waitForStalls(1) == 1)
                // The connection is held open by the stall; find the client's end of it in this process.
                let sockets = clientSockets(connectedTo: relay.port)
                try #require(sockets.count == 1, "client sockets to the relay: \(sockets)")
                let fd = sockets[0]
                #expect(socketOption(fd, IPPROTO_TCP, TCP_USER_TIMEOUT) == 45_000)
                #expect(socketOption(fd, SOL_SOCKET, SO_KEEPALIVE) == 1)
                #expect(socketOption(fd, IPPROTO_TCP, TCP_KEEPIDLE) == 30)
                #expect(socketOption(fd, IPPROTO_TCP, TCP_KEEPINTVL) == 10)
            }
        }
    }
}

/// This process's TCP sockets whose peer is 127.0.0.1:`port`.
private func clientSockets(connectedTo port: UInt16) -> [Int32] {
    let entries = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd")) ?? []
    return entries.compactMap(Int32.init).filter { fd in
        var address = sockaddr_in()
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let ok = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getpeername(fd, $0, &length) == 0 }
        }
        return ok && address.sin_family == sa_family_t(AF_INET) && UInt16(bigEndian: address.sin_port) == port
    }.sorted()
}

private func socketOption(_ fd: Int32, _ level: some BinaryInteger, _ name: some BinaryInteger) -> Int32? {
    var value: Int32 = 0
    var length = socklen_t(MemoryLayout<Int32>.size)
    return getsockopt(fd, Int32(level), Int32(name), &value, &length) == 0 ? value : nil
}
