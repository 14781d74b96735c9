import HookHTTPClient
import HookHTTPServer
import HookTestSupport
import Testing

@Suite("HTTP round trips on loopback")
struct RoundTripTests {
    @Test("bodies of 0 bytes, 1 byte and 10 MB come back intact, sync and async", arguments: [0, 1, 10 << 20])
    func echo(size: Int) async throws {
        let payload = patternBytes(size)
        try await withServer { server in
            try await withClient { client in
                for path in ["/echo", "/async"] {
                    let response = try await client.execute(
                        HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)\(path)", body: payload),
                        maxBodyBytes: 11 << 20)
                    #expect(response.status == 200)
                    #expect(response.headers["x-length"] == "\(size)")
                    #expect(response.body == payload)
                }
            }
        }
    }

    @Test("a chunked request body is reassembled")
    func chunkedUpload() async throws {
        let payload = patternBytes(300_001)
        try await withServer { server in
            try await withClient { client in
                let response = try await client.execute(HTTPClientRequest(
                    method: "POST", url: "http://127.0.0.1:\(server.port)/echo", body: payload, chunkedUpload: true))
                #expect(response.status == 200)
                #expect(response.body == payload)
            }
        }
    }

    @Test("bodies over the route cap get 413, declared or chunked; at the cap is fine")
    func bodyCap() async throws {
        try await withServer { server in
            try await withClient { client in
                let url = "http://127.0.0.1:\(server.port)/small"
                let exact = try await client.execute(HTTPClientRequest(method: "POST", url: url, body: patternBytes(1024)))
                #expect(exact.status == 200)
                let declared = try await client.execute(HTTPClientRequest(method: "POST", url: url, body: patternBytes(1025)))
                #expect(declared.status == 413)
                let chunked = try await client.execute(HTTPClientRequest(
                    method: "POST", url: url, body: patternBytes(4096), chunkedUpload: true))
                #expect(chunked.status == 413)
                // The server still serves new requests afterwards.
                let after = try await client.execute(HTTPClientRequest(method: "POST", url: url, body: [1, 2, 3]))
                #expect(after.status == 200 && after.body == [1, 2, 3])
            }
        }
    }

    @Test("a 100 MB declared body is refused with 413 before a single body byte is sent")
    func hugeDeclaredBody() async throws {
        try await withServer { server in
            let socket = try RawSocket(port: server.port)
            socket.send("POST /small HTTP/1.1\r\nHost: x\r\nContent-Length: 104857600\r\n\r\n")
            #expect(await socket.readStatus() == 413)
        }
    }

    @Test("a chunked body far over the cap is cut off after a bounded amount, never buffered")
    func chunkedFarOverCap() async throws {
        try await withServer { server in
            let socket = try RawSocket(port: server.port)
            socket.send("POST /small HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n")
            let chunk = "10000\r\n" + String(repeating: "a", count: 65536) + "\r\n"
            var sent = 0
            // The server closes the connection once the discard allowance (1 MiB) is used up.
            while sent < 64 << 20, socket.send(chunk) { sent += 65536 }
            #expect(sent < 16 << 20, "server kept reading \(sent) bytes")
            #expect(server.inFlightRequests <= 1)
        }
    }

    @Test("head decisions answer without reading the body; headers, query and peer reach the handler")
    func headAndInspect() async throws {
        try await withServer { server in
            try await withClient { client in
                let missing = try await client.execute(HTTPClientRequest(
                    method: "POST", url: "http://127.0.0.1:\(server.port)/missing", body: patternBytes(100_000)))
                #expect(missing.status == 404)
                let inspect = try await client.execute(HTTPClientRequest(
                    method: "GET", url: "http://127.0.0.1:\(server.port)/inspect?a=1&b=two%20words",
                    headers: ["X-Test": "Value"]))
                let text = String(decoding: inspect.body, as: UTF8.self)
                #expect(text.contains("method=GET"))
                #expect(text.contains("q:a=1"))
                #expect(text.contains("q:b=two words"))
                #expect(text.contains("x-test=Value"))
                #expect(text.contains("peer=127.0.0.1:"))
                #expect(text.contains("tls=false"))
            }
        }
    }

    @Test("a streamed 10 MB body arrives in chunks with a small buffer, byte for byte")
    func streaming() async throws {
        let payload = patternBytes(10 << 20, seed: 7)
        try await withServer { server in
            try await withClient { client in
                let response = try await client.stream(
                    HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/echo", body: payload),
                    bufferBytes: 64 << 10)
                #expect(response.status == 200)
                var received: [UInt8] = []
                var chunks = 0
                for try await chunk in response.body {
                    received += chunk
                    chunks += 1
                }
                #expect(chunks > 1)
                #expect(received == payload)
            }
        }
    }

    @Test("a collected body over the client's cap fails with bodyTooLarge")
    func clientCap() async throws {
        try await withServer { server in
            try await withClient { client in
                await #expect(throws: HTTPClientError.self) {
                    _ = try await client.execute(
                        HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/echo", body: patternBytes(5000)),
                        maxBodyBytes: 4999)
                }
                do {
                    _ = try await client.execute(
                        HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/echo", body: patternBytes(5000)),
                        maxBodyBytes: 4999)
                } catch let error as HTTPClientError {
                    #expect(error.code == .bodyTooLarge)
                }
            }
        }
    }

    @Test("many concurrent requests over few transfer slots all succeed")
    func concurrency() async throws {
        try await withServer { server in
            try await withClient(HTTPClientConfiguration(maxConcurrentTransfers: 4)) { client in
                try await withThrowingTaskGroup(of: Bool.self) { group in
                    for index in 0..<200 {
                        group.addTask {
                            let body = Array("request \(index)".utf8)
                            let response = try await client.execute(HTTPClientRequest(
                                method: "POST", url: "http://127.0.0.1:\(server.port)\(index % 2 == 0 ? "/echo" : "/async")", body: body))
                            return response.body == body
                        }
                    }
                    var ok = 0
                    for try await matched in group where matched { ok += 1 }
                    #expect(ok == 200)
                }
            }
        }
    }
}
