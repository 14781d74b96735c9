import HookConfig
import HookHTTPClient
import HookSinks
import SinkFakes
import Testing

/// ackIds that repeat within one channel (docs/splunk-hec-acks.md): an indexer restart, or several indexers
/// behind one load balancer. A send may only succeed when the indexer holding its events acknowledged them.
@Suite("Splunk HEC acknowledgements when ackIds repeat")
struct SplunkHECAckCollisionTests {
    /// Runs `body` with a transport on `fake`, one record per request (`maxBatchBytes` below two events).
    static func withTransport<T: Sendable>(
        timeout: Duration = .seconds(20), _ setUp: @Sendable (SplunkHECFake) -> Void,
        _ body: @Sendable (SplunkHECTransport, SplunkHECFake) async throws -> T
    ) async throws -> T {
        try await SplunkHECFake.withRunning(token: SplunkHECTests.token, ack: true) { fake, url in
            setUp(fake)
            let http = try HTTPClient()
            defer { http.shutdown() }
            let config = SplunkHECSinkConfig(url: url, token: Secret(SplunkHECTests.token), ack: true,
                                             ackPollInterval: .milliseconds(10), ackTimeout: timeout, maxBatchBytes: 256)
            return try await body(SplunkHECTransport(configuration: config, http: http), fake)
        }
    }

    /// Whether every event of `batches` was acknowledged by its own indexer.
    static func acknowledged(_ batches: [RecordBatch], by fake: SplunkHECFake) -> Bool {
        let acknowledged = fake.acknowledgedEvents.map(\.event)
        return batches.flatMap(\.records).allSatisfy { acknowledged.contains($0.bytes) }
    }

    @Test("an indexer restart hands out ackId 0 again: both requests are retried, the lost one is not counted as delivered")
    func restartReusesAckIds() async throws {
        try await Self.withTransport({ $0.restart(afterRequests: 1) }) { transport, fake in
            let batch = TestRecords.batch(0..<2)
            await #expect(throws: TransportError.self) { try await transport.send([batch]) }
            #expect(fake.eventRequests == 2)
            #expect(!Self.acknowledged([batch], by: fake))  // the first request was lost in the restart
        }
    }

    @Test("two indexers behind one URL both give ackId 0: the silent one's request is not counted as delivered")
    func twoIndexersOneSilent() async throws {
        try await Self.withTransport({ $0.setIndexers(pollsBeforeTrue: [nil, 1]) }) { transport, fake in
            let batch = TestRecords.batch(0..<2)
            let error = await #expect(throws: TransportError.self) { try await transport.send([batch]) }
            guard case .retryable(let message, _)? = error else { Issue.record("not retryable: \(String(describing: error))"); return }
            #expect(message.contains("more than one request"))
        }
    }

    @Test("concurrent sends through two round-robin indexers: every waiter finishes, and each success was acknowledged by its own indexer",
          .timeLimit(.minutes(1)))
    func concurrentRoundRobin() async throws {
        try await Self.withTransport(timeout: .milliseconds(500), { $0.setIndexers(pollsBeforeTrue: [1, 2]) }) { transport, fake in
            let results = try await withThrowingTaskGroup(of: [RecordBatch?].self) { group in
                for n in 0..<8 {
                    group.addTask {
                        var outcomes: [RecordBatch?] = []  // nil: the send failed
                        for round in 0..<5 {
                            let batch = TestRecords.batch(n * 10 + round * 2..<n * 10 + round * 2 + 2)
                            do {
                                try await transport.send([batch])
                                outcomes.append(batch)
                            } catch {
                                outcomes.append(nil)
                            }
                        }
                        return outcomes
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            let successes = results.compactMap { $0 }
            #expect(results.count == 40)  // every waiter finished
            #expect(Self.acknowledged(successes, by: fake))
        }
    }

    @Test("sequential sends through two indexers get the same ackIds without colliding, and are delivered")
    func sequentialRoundRobin() async throws {
        try await Self.withTransport({ $0.setIndexers(pollsBeforeTrue: [1, 1]) }) { transport, fake in
            var batches: [RecordBatch] = []
            for n in 0..<6 {
                let batch = TestRecords.batch(n..<n + 1)
                try await transport.send([batch])
                batches.append(batch)
            }
            #expect(Self.acknowledged(batches, by: fake))
            #expect(fake.eventRequests == 6)
        }
    }
}
