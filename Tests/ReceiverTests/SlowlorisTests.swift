import Foundation
import HookHTTPServer
import HookLedger
import HookTestSupport
import Testing

/// Slowloris variants from 127.0.0.2 while Microsoft (127.0.0.1) keeps notifying. The deadlines are short
/// here (1 s) and the slow clients send a byte every 3 s: libmicrohttpd's own timeout (30 s, restarted by
/// each byte) never fires, so only the absolute deadlines can close them within the test.
@Suite("Receiver: slow clients cannot hold connections (per-IP limit, header and body deadlines)")
struct SlowlorisTests {
    static let slowSource = "127.0.0.2"
    static let dripInterval: Duration = .seconds(3)

    /// Opens `count` sockets from 127.0.0.2, sends `head` on each, then one byte per `dripInterval` until every
    /// socket is closed by the server or `rounds` drips were sent; returns how many stayed open and how long it took.
    private func drip(_ port: UInt16, count: Int, head: String, rounds: Int) async throws -> (open: Int, elapsed: Duration) {
        let sockets = try (0..<count).map { _ in try RawSocket(port: port, readTimeout: 1, source: Self.slowSource) }
        let start = ContinuousClock.now
        for socket in sockets { socket.send(head) }
        for _ in 0..<rounds {
            try await Task.sleep(for: Self.dripInterval)  // pacing the drip, not waiting for readiness
            if sockets.allSatisfy(\.peerClosed) { break }
            for socket in sockets where !socket.peerClosed { socket.send("X") }
        }
        return (sockets.filter { !$0.peerClosed }.count, ContinuousClock.now - start)
    }

    private func notify(_ port: UInt16, _ id: String) async throws -> Int? {
        try await rawStatus(port, body: Array("[\(element(id))]".utf8))
    }

    private static func deadlines(_ configuration: inout HTTPServerConfiguration) {
        configuration.connectionLimit = 600
        configuration.perIPConnectionLimit = 0  // every slow socket is accepted: the deadlines must close them
        configuration.headerTimeout = .seconds(1)
        configuration.bodyTimeout = .seconds(1)
    }

    @Test("256 sockets dripping their headers are closed by the header deadline; notifications from another address get 200")
    func headerDrip() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger, connectionTimeout: 30, configure: Self.deadlines) { server, _ in
            async let slow = self.drip(server.port, count: 256, head: "POST /activity-webhook HTTP/1.1\r\nHost: r\r\nX-Slow: ", rounds: 6)
            let status = try await self.notify(server.port, "during-header-drip")
            let (open, elapsed) = try await slow
            #expect(status == 200)
            #expect(open == 0)
            #expect(elapsed < .seconds(25))  // the per-byte timeout (30 s) never ran out: the deadline closed them
            #expect(try await self.notify(server.port, "after-header-drip") == 200)
        }
    }

    @Test("256 sockets dripping their bodies are closed by the body deadline; notifications from another address get 200")
    func bodyDrip() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger, connectionTimeout: 30, configure: Self.deadlines) { server, _ in
            let head = "POST /activity-webhook HTTP/1.1\r\nHost: r\r\nWebhook-AuthID: \(authId)\r\n"
                + "Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n["
            async let slow = self.drip(server.port, count: 256, head: head, rounds: 6)
            let status = try await self.notify(server.port, "during-body-drip")
            let (open, elapsed) = try await slow
            #expect(status == 200)
            #expect(open == 0)
            #expect(elapsed < .seconds(25))
            #expect(try await blobCount(ledger) == 1)
        }
    }

    @Test("the per-IP limit keeps 256 slow sockets from one address from taking every connection")
    func perIPLimit() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger, connectionTimeout: 30, configure: { configuration in
            configuration.connectionLimit = 64
            configuration.perIPConnectionLimit = 16
            configuration.headerTimeout = .seconds(600)  // the limit alone must protect here
        }) { server, _ in
            let sockets = try (0..<256).map { _ in try RawSocket(port: server.port, readTimeout: 1, source: Self.slowSource) }
            for socket in sockets { socket.send("POST /activity-webhook HTTP/1.1\r\nHost: r\r\nX-Slow: ") }
            // Accepted in order: by the time this request is served, libmicrohttpd has seen every slow socket.
            #expect(try await self.notify(server.port, "beside-256-slow") == 200)
            #expect(sockets.filter { !$0.peerClosed }.count <= 16)
        }
    }
}
