import Foundation
import HookHTTPClient
import HookHTTPServer
import HookTestSupport
import Testing

/// Issue 12 item 2: a transfer whose server stops sending mid-body is given up, never waited on forever.
@Suite struct StalledTransferTests {
    static let body = patternBytes(256 << 10)

    /// A server answering 256 KB behind a relay that stalls the first response to `/stall` after 2 KB.
    func withStallingServer(_ body: @Sendable (StallingRelay) async throws -> Void) async throws {
        try await withServer { server in
            let relay = try StallingRelay(upstreamPort: server.port, marker: "POST /stall", stalls: 1, keepBytes: 2_048)
            defer { relay.close() }
            try await body(relay)
        }
    }

    func request(_ relay: StallingRelay) -> HTTPClientRequest {
        HTTPClientRequest(method: "POST", url: "\(relay.url)/stall", body: Self.body, kind: .blob)
    }

    @Test(.timeLimit(.minutes(2)))
    func aBodyThatStopsMidwayFailsByTheLowSpeedLimitAndTheRetryGetsEveryByte() async throws {
        try await self.withStallingServer { relay in
            try await withClient(HTTPClientConfiguration(lowSpeedTime: .seconds(2))) { client in
                let response = try await client.stream(self.request(relay))
                #expect(response.status == 200)
                let outcome = try await firstResult(within: 60) { () -> HTTPClientError? in
                    do {
                        _ = try await response.body.collect(upTo: 1 << 20)
                        return nil
                    } catch {
                        return error as? HTTPClientError
                    }
                }
                #expect(relay.stalled == 1)
                #expect(outcome?.code == .timeout, "the stalled body was not given up: \(String(describing: outcome))")
                // The relay lets the next attempt through: every byte arrives, unchanged.
                let again = try await client.stream(self.request(relay))
                #expect(try await again.body.collect(upTo: 1 << 20) == Self.body)
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func cancellingTheConsumerOfAStalledBodyEndsTheTransferWithAnError() async throws {
        try await self.withStallingServer { relay in
            // No low-speed limit within the test's reach: only the cancellation can end the read.
            try await withClient(HTTPClientConfiguration(lowSpeedTime: .seconds(3_600))) { client in
                let response = try await client.stream(self.request(relay))
                let reader = Task { () -> (any Error)? in
                    do {
                        _ = try await response.body.collect(upTo: 1 << 20)
                        return nil
                    } catch {
                        return error
                    }
                }
                #expect(await relay.waitForStalls(1) == 1)
                reader.cancel()
                let error = try await firstResult(within: 60) { await reader.value }
                #expect((error as? HTTPClientError)?.code == .cancelled, "got \(String(describing: error))")
                // The client is free for the next request (the cancelled transfer left the multi handle).
                let again = try await client.stream(self.request(relay))
                #expect(try await again.body.collect(upTo: 1 << 20) == Self.body)
            }
        }
    }
}
