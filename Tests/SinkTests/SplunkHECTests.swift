import HookConfig
import HookHTTPClient
import HookMetrics
import HookRecords
import HookSinks
import SinkFakes
import Testing

@Suite("Splunk HEC sink against the HEC fake")
struct SplunkHECTests {
    static let token = "0a1b2c3d-0000-4000-8000-00000000hec1"

    static func withSink<T: Sendable>(
        ack: Bool = false, token: String = SplunkHECTests.token, configure: @Sendable (inout SplunkHECSinkConfig) -> Void = { _ in },
        retry: SinkRetryPolicy = TestRecords.fastRetry(), metrics: MetricsRegistry = MetricsRegistry(),
        _ body: @Sendable (BatchingSink<SplunkHECTransport>, SplunkHECFake) async throws -> T
    ) async throws -> T {
        try await SplunkHECFake.withRunning(token: Self.token, ack: ack) { fake, url in
            let http = try HTTPClient()
            defer { http.shutdown() }
            var config = SplunkHECSinkConfig(url: url, token: Secret(token), ack: ack, ackPollInterval: .milliseconds(10))
            configure(&config)
            let sink = BatchingSink(name: "splunk", filter: .init(), transport: SplunkHECTransport(configuration: config, http: http),
                                    configuration: BatchingSinkConfiguration(maxInFlight: 4, retry: retry),
                                    metrics: SinkMetrics(registry: metrics, sink: "splunk"), logger: TestRecords.logger)
            let result = try await body(sink, fake)
            await sink.shutdown()
            return result
        }
    }

    @Test("events carry the original record, time from CreationTime and only the configured keys")
    func envelope() async throws {
        try await Self.withSink(configure: { $0.index = "o365"; $0.sourcetype = "o365:audit"; $0.host = "hook-1" }) { sink, fake in
            var batch = TestRecords.batch(0..<3)
            batch.records.append(TestRecords.record(3, creationTime: nil))
            batch.records.append(TestRecords.record(4, creationTime: "2026-11-29T08:15:00.1234567"))
            // Braces, brackets and escaped quotes inside strings must not confuse the event boundaries.
            let tricky = Array(#"{"Id":"id-5","Text":"}{ ][ \"}\" {","CreationTime":"2015-06-29T20:03:19"}"#.utf8)
            batch.records.append(SplitRecord(bytes: tricky, offset: 0, id: "id-5", recordType: nil,
                                             creationTimeText: "2015-06-29T20:03:19", operation: nil, workload: nil,
                                             organizationId: nil, userId: nil))
            try await sink.deliver(batch)
            let events = fake.events
            try #require(events.count == 6)
            #expect(events.map(\.event) == batch.records.map(\.bytes))
            #expect(events[0].time == "1435608199.000")
            #expect(events[0].keys == ["time", "host", "sourcetype", "index", "event"])
            #expect(events[0].index == "o365" && events[0].sourcetype == "o365:audit" && events[0].host == "hook-1")
            #expect(events[0].source == nil)
            #expect(events[3].time == nil && events[3].keys == ["host", "sourcetype", "index", "event"])
            #expect(events[4].time == "1795940100.123")
            #expect(fake.eventRequests == 1)
        }
    }

    @Test("a wrong token is a permanent error quoting HEC's text, never the token")
    func authFailure() async throws {
        let wrong = "ffffffff-wrong-token-value"
        try await Self.withSink(token: wrong) { sink, fake in
            let error = await #expect(throws: SinkError.self) { try await sink.deliver(TestRecords.batch(0..<2)) }
            #expect(error?.kind == .permanent)
            #expect(error?.message.contains("403") == true && error?.message.contains("Invalid token") == true)
            #expect(error?.message.contains(wrong) == false && !String(describing: error).contains(wrong))
            #expect(fake.eventRequests == 1 && fake.events.isEmpty)
        }
    }

    @Test("503 (server busy) is retried; the records arrive once")
    func busyRetried() async throws {
        let metrics = MetricsRegistry()
        try await Self.withSink(metrics: metrics) { sink, fake in
            fake.failNext(2, status: 503)
            try await sink.deliver(TestRecords.batch(0..<3))
            #expect(fake.eventRequests == 3)
            #expect(fake.events.map(\.event) == TestRecords.batch(0..<3).records.map(\.bytes))
            #expect(metrics.value(of: #"activityhook_sink_retries_total{sink="splunk"}"#) == 2)
        }
    }

    @Test("429 with Retry-After waits as asked")
    func retryAfter() async throws {
        try await Self.withSink { sink, fake in
            fake.failNext(1, status: 429, retryAfter: 1)
            let clock = ContinuousClock()
            let started = clock.now
            try await sink.deliver(TestRecords.batch(0..<1))
            #expect(clock.now - started >= .seconds(1))
            #expect(fake.eventRequests == 2 && fake.events.count == 1)
        }
    }

    @Test("a destination that stays down exhausts the budget: transient error, nothing stored")
    func downExhausts() async throws {
        try await Self.withSink(retry: TestRecords.fastRetry(attempts: 3)) { sink, fake in
            fake.setDown(true)
            let error = await #expect(throws: SinkError.self) { try await sink.deliver(TestRecords.batch(0..<1)) }
            #expect(error?.kind == .transient && error?.message.contains("503") == true)
            #expect(fake.eventRequests == 3 && fake.events.isEmpty)
            fake.setDown(false)
            try await sink.deliver(TestRecords.batch(0..<1))
            #expect(fake.events.count == 1)
        }
    }

    @Test("bodies stay under maxBatchBytes; a larger send becomes several requests")
    func bodySize() async throws {
        try await Self.withSink(configure: { $0.maxBatchBytes = 2_048 }) { sink, fake in
            let batch = TestRecords.batch(0..<20)
            try await sink.deliver(batch)
            #expect(fake.events.map(\.event) == batch.records.map(\.bytes))
            #expect(fake.acceptedBodySizes.count > 1)
            #expect(fake.acceptedBodySizes.allSatisfy { $0 <= 2_048 })
        }
    }

    @Test("with ack on, a delivery returns once its ackIds were acknowledged on the transport's channel")
    func ackFlow() async throws {
        // Small bodies: several requests, hence several ackIds pending at once.
        try await Self.withSink(ack: true, configure: { $0.maxBatchBytes = 2_048 }) { sink, fake in
            fake.setAck(enabled: true, pollsBeforeTrue: 3)
            try await withThrowingTaskGroup(of: Void.self) { group in
                for n in 0..<12 { group.addTask { try await sink.deliver(TestRecords.batch(n * 2..<n * 2 + 2)) } }
                try await group.waitForAll()
            }
            let events = fake.events
            #expect(events.count == 24)
            let channel = try #require(sink.transport.channel)
            #expect(events.allSatisfy { $0.channel == channel })
            #expect(fake.ackQueries >= 3 && fake.eventRequests > 1)
            #expect(fake.ackQueries < fake.eventRequests * 3)  // pending ackIds are polled together
        }
    }

    @Test("an ack that stays false past ackTimeout makes the batch be sent again")
    func ackTimeout() async throws {
        try await Self.withSink(ack: true, configure: { $0.ackTimeout = .milliseconds(50) },
                                retry: TestRecords.fastRetry(attempts: 2)) { sink, fake in
            fake.setAck(enabled: true, pollsBeforeTrue: nil)
            let error = await #expect(throws: SinkError.self) { try await sink.deliver(TestRecords.batch(0..<1)) }
            #expect(error?.kind == .transient && error?.message.contains("acknowledgement") == true)
            #expect(fake.eventRequests == 2)  // sent, not acknowledged, sent again
            fake.setAck(enabled: true, pollsBeforeTrue: 1)
            try await sink.deliver(TestRecords.batch(1..<2))
            #expect(fake.events.count == 3)
        }
    }
}
