import HookHTTPClient
import HookHTTPServer
import HookTestSupport
import Logging
import Synchronization
import Testing

/// An async handler that reports when a request entered it and holds it until released.
final class GateHandler: HTTPHandler {
    let entered: AsyncStream<Void>
    private let enteredContinuation: AsyncStream<Void>.Continuation
    private let gate = Mutex<(open: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    init() { (self.entered, self.enteredContinuation) = AsyncStream.makeStream() }

    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision { .readBody(maxBodyBytes: 1024) }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        .async {
            self.enteredContinuation.yield()
            await withCheckedContinuation { continuation in
                let open = self.gate.withLock { state in
                    if !state.open { state.waiters.append(continuation) }
                    return state.open
                }
                if open { continuation.resume() }
            }
            return .text(200, "released\n")
        }
    }

    func open() {
        let waiters = self.gate.withLock { state in
            state.open = true
            defer { state.waiters = [] }
            return state.waiters
        }
        waiters.forEach { $0.resume() }
    }
}

@Suite("HTTP server lifecycle")
struct ServerLifecycleTests {
    @Test("graceful stop: no new connections are served, the in-flight request completes, run() returns")
    func gracefulStop() async throws {
        let handler = GateHandler()
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(), handler: handler,
            logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
        let port = server.port
        try await withClient(HTTPClientConfiguration(timeout: .seconds(20))) { client in
            try await withThrowingTaskGroup(of: Int.self) { group in
                group.addTask { try await server.run(); return -1 }
                group.addTask {
                    let response = try await client.execute(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(port)/slow"))
                    #expect(response.headers["Connection"]?.lowercased() == "close")
                    return response.status
                }
                var entered = handler.entered.makeAsyncIterator()
                _ = await entered.next()
                #expect(server.inFlightRequests == 1)
                server.shutdown()
                // A new request is not served while draining.
                await #expect(throws: HTTPClientError.self) {
                    _ = try await client.execute(HTTPClientRequest(
                        method: "POST", url: "http://127.0.0.1:\(port)/new", timeout: .milliseconds(300)))
                }
                handler.open()
                var statuses: [Int] = []
                for try await status in group { statuses.append(status) }
                #expect(statuses.sorted() == [-1, 200])
                #expect(server.inFlightRequests == 0)
            }
        }
    }

    @Test("a slowloris client that never finishes its header is disconnected by the connection timeout")
    func slowloris() async throws {
        try await withServer(HTTPServerConfiguration(connectionTimeoutSeconds: 1)) { server in
            let socket = try RawSocket(port: server.port, readTimeout: 15)
            socket.send("POST /echo HTTP/1.1\r\nHost: x\r\nX-Slow: ")
            let (received, elapsed) = await socket.readAllTimed()  // returns when the server closes the connection
            #expect(received.isEmpty)
            #expect(elapsed < .seconds(10))
        }
    }

    @Test("the connection limit refuses connections beyond it without affecting the others")
    func connectionLimit() async throws {
        try await withServer(HTTPServerConfiguration(threads: 1, connectionLimit: 2)) { server in
            let first = try RawSocket(port: server.port, readTimeout: 5)
            let second = try RawSocket(port: server.port, readTimeout: 5)
            first.send("GET /inspect HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await first.readStatus() == 200)
            second.send("GET /inspect HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await second.readStatus() == 200)
            let third = try RawSocket(port: server.port, readTimeout: 1)
            third.send("GET /inspect HTTP/1.1\r\nHost: x\r\n\r\n")
            #expect(await third.readStatus() == nil)  // accepted by the kernel, closed by libmicrohttpd
        }
    }

    @Test("binding an address in use fails with a message naming it")
    func portInUse() async throws {
        try await withServer { server in
            #expect {
                _ = try HTTPServer(configuration: HTTPServerConfiguration(port: server.port), handler: EchoHandler(),
                                   logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            } throws: { error in
                "\(error)".contains("127.0.0.1:\(server.port)")
            }
            #expect(throws: HTTPServerError.self) {
                _ = try HTTPServer(configuration: HTTPServerConfiguration(host: "not-an-ip"), handler: EchoHandler(),
                                   logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
            }
        }
    }
}
