import HookMetrics
import HookRecords
import HookSinks
import Testing

@Suite("BatchingSink")
struct BatchingSinkTests {
    static func sink(_ transport: RecordingTransport, inFlight: Int = 1, retry: SinkRetryPolicy = TestRecords.fastRetry(),
                     maxPendingBytes: Int = 16 << 20, metrics: MetricsRegistry = MetricsRegistry()) -> BatchingSink<RecordingTransport> {
        BatchingSink(name: "t", filter: .init(), transport: transport,
                     configuration: BatchingSinkConfiguration(maxInFlight: inFlight, maxPendingBytes: maxPendingBytes, retry: retry),
                     metrics: SinkMetrics(registry: metrics, sink: "t"), logger: TestRecords.logger)
    }

    static func ids(_ batches: [RecordBatch]) -> [String] { batches.flatMap { $0.records.compactMap(\.id) } }

    @Test("50 concurrent deliveries are coalesced into far fewer sends; every record once, batch order kept", .timeLimit(.minutes(1)))
    func coalescing() async throws {
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 1_000, maxBytes: 1 << 20, linger: .zero), holdFirst: true)
        let sink = Self.sink(transport)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sink.deliver(TestRecords.batch(0..<3)) }
            await transport.firstSendStarted.wait()
            for n in 1..<50 {
                group.addTask { try await sink.deliver(TestRecords.batch(n * 3..<n * 3 + 3)) }
            }
            // The first send is held: the other 49 deliveries can only queue up behind it.
            while await sink.queuedRecords < 49 * 3 { await Task.yield() }
            transport.releaseFirstSend.fire()
            try await group.waitForAll()
        }
        let sends = transport.accepted
        #expect(sends.count == 2)
        let ids = Self.ids(sends.flatMap { $0 })
        #expect(ids.sorted() == (0..<150).map { "id-\($0)" }.sorted())
        for batch in sends.flatMap({ $0 }) {
            let numbers = batch.records.compactMap { $0.id.flatMap { Int($0.dropFirst(3)) } }
            #expect(numbers == numbers.sorted() && numbers.count == 3)
        }
    }

    @Test("a lingering leader stops waiting as soon as the request is full", .timeLimit(.minutes(1)))
    func fullRequestEndsLinger() async throws {
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 10, maxBytes: 1 << 20, linger: .seconds(3600)))
        let sink = Self.sink(transport)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sink.deliver(TestRecords.batch(0..<5)) }
            group.addTask { try await sink.deliver(TestRecords.batch(5..<10)) }
            try await group.waitForAll()
        }
        #expect(transport.accepted.count == 1)
        #expect(Self.ids(transport.accepted[0]).count == 10)
    }

    @Test("a batch over the limits is cut into several sends; a record is never split")
    func limitsSplitting() async throws {
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 3, maxBytes: 400, linger: .zero))
        let sink = Self.sink(transport)
        var batch = TestRecords.batch(0..<10)
        batch.records.insert(TestRecords.record(99, padding: 1_000), at: 4)  // alone over maxBytes
        try await sink.deliver(batch)
        let sends = transport.accepted
        #expect(Self.ids(sends.flatMap { $0 }) == batch.records.compactMap(\.id))
        for send in sends {
            let records = send.flatMap(\.records)
            let bytes = records.reduce(0) { $0 + $1.bytes.count }
            #expect(records.count <= 3)
            #expect(bytes <= 400 || records.count == 1)
        }
        #expect(sends.contains { $0.flatMap(\.records).map(\.id) == ["id-99"] })
    }

    @Test("retryable failures are retried until success and counted")
    func retryThenSuccess() async throws {
        let metrics = MetricsRegistry()
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 100, maxBytes: 1 << 20, linger: .zero),
                                           script: [.retryable("busy", retryAfter: nil), .retryable("busy", retryAfter: nil)])
        let sink = Self.sink(transport, metrics: metrics)
        try await sink.deliver(TestRecords.batch(0..<4))
        #expect(transport.attempts.count == 3)
        #expect(transport.accepted.count == 1)
        #expect(metrics.value(of: #"activityhook_sink_retries_total{sink="t"}"#) == 2)
        #expect(metrics.value(of: #"activityhook_sink_records_sent_total{sink="t"}"#) == 4)
        #expect(metrics.value(of: #"activityhook_sink_batches_sent_total{sink="t"}"#) == 1)
        #expect(metrics.value(of: #"activityhook_sink_send_seconds_count{sink="t"}"#) == 3)
        let bytes = TestRecords.batch(0..<4).byteCount
        #expect(metrics.value(of: #"activityhook_sink_bytes_sent_total{sink="t"}"#) == Double(bytes))
    }

    @Test("Retry-After is waited for even when the back-off would be shorter")
    func retryAfterHonoured() async throws {
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 100, maxBytes: 1 << 20, linger: .zero),
                                           script: [.retryable("throttled", retryAfter: .milliseconds(300))])
        let sink = Self.sink(transport)
        try await sink.deliver(TestRecords.batch(0..<2))
        let attempts = transport.attempts
        try #require(attempts.count == 2)
        #expect(attempts[1].at - attempts[0].at >= .milliseconds(300))
    }

    @Test("a permanent failure throws a permanent SinkError at once")
    func permanentFailure() async throws {
        let metrics = MetricsRegistry()
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 100, maxBytes: 1 << 20, linger: .zero),
                                           script: [.permanent("HEC answered 403: Invalid token")])
        let sink = Self.sink(transport, metrics: metrics)
        let error = await #expect(throws: SinkError.self) { try await sink.deliver(TestRecords.batch(0..<2)) }
        #expect(error?.kind == .permanent && error?.sink == "t" && error?.message.contains("403") == true)
        #expect(transport.attempts.count == 1)
        #expect(metrics.value(of: #"activityhook_sink_failures_total{kind="permanent",sink="t"}"#) == 1)
    }

    @Test("an exhausted retry budget throws a transient SinkError carrying Retry-After")
    func budgetExhausted() async throws {
        let busy = TransportError.retryable("busy", retryAfter: nil)
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 100, maxBytes: 1 << 20, linger: .zero),
                                           script: [busy, busy, busy, busy])
        let sink = Self.sink(transport, retry: TestRecords.fastRetry(attempts: 3))
        let error = await #expect(throws: SinkError.self) { try await sink.deliver(TestRecords.batch(0..<2)) }
        #expect(error?.kind == .transient)
        #expect(transport.attempts.count == 3)

        // A server wait longer than the time budget is not started: one attempt, and the wait is reported.
        let slow = RecordingTransport(limits: BatchLimits(maxRecords: 100, maxBytes: 1 << 20, linger: .zero),
                                      script: [.retryable("throttled", retryAfter: .seconds(600))])
        let slowSink = Self.sink(slow, retry: TestRecords.fastRetry(budget: .seconds(1)))
        let slowError = await #expect(throws: SinkError.self) { try await slowSink.deliver(TestRecords.batch(0..<2)) }
        #expect(slowError?.kind == .transient && slowError?.retryAfter == .seconds(600))
        #expect(slow.attempts.count == 1)
    }

    @Test("one failed send fails every delivery in it; the others' later deliveries still go through")
    func failureReachesFollowers() async throws {
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 1_000, maxBytes: 1 << 20, linger: .zero),
                                           script: [nil, .permanent("rejected")], holdFirst: true)
        let sink = Self.sink(transport)
        let results = try await withThrowingTaskGroup(of: Bool.self) { group in
            group.addTask { (try? await sink.deliver(TestRecords.batch(0..<1))) != nil }
            await transport.firstSendStarted.wait()
            for n in 1..<4 { group.addTask { (try? await sink.deliver(TestRecords.batch(n..<n + 1))) != nil } }
            while await sink.queuedRecords < 3 { await Task.yield() }
            transport.releaseFirstSend.fire()
            return try await group.reduce(into: [Bool]()) { $0.append($1) }
        }
        #expect(results.filter { $0 }.count == 1)  // the first; the three coalesced ones failed together
        try await sink.deliver(TestRecords.batch(10..<11))
        #expect(transport.accepted.count == 2)
    }

    @Test("shutdown waits for the in-flight send, then closes the transport and refuses new deliveries")
    func shutdownDrains() async throws {
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 100, maxBytes: 1 << 20, linger: .zero), holdFirst: true)
        let sink = Self.sink(transport)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sink.deliver(TestRecords.batch(0..<2)) }
            await transport.firstSendStarted.wait()
            group.addTask { await sink.shutdown() }
            transport.releaseFirstSend.fire()
            try await group.waitForAll()
        }
        #expect(transport.log == ["sent", "closed"])
        #expect(transport.accepted.count == 1)
        let error = await #expect(throws: SinkError.self) { try await sink.deliver(TestRecords.batch(2..<3)) }
        #expect(error?.kind == .transient && error?.message.contains("shutting down") == true)
        await sink.shutdown()  // a second call returns at once
        #expect(transport.log == ["sent", "closed"])
    }

    @Test("several sends in flight at once when configured", .timeLimit(.minutes(1)))
    func parallelSends() async throws {
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 2, maxBytes: 1 << 20, linger: .zero), holdFirst: true)
        let sink = Self.sink(transport, inFlight: 2)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sink.deliver(TestRecords.batch(0..<2)) }
            await transport.firstSendStarted.wait()
            // The first send is held, yet a second slot is free: this delivery completes on its own.
            try await sink.deliver(TestRecords.batch(2..<4))
            #expect(transport.accepted.count == 2)
            transport.releaseFirstSend.fire()
            try await group.waitForAll()
        }
        #expect(Self.ids(transport.accepted.flatMap { $0 }).sorted() == (0..<4).map { "id-\($0)" })
    }

    @Test("back-pressure: a delivery waits while the queue holds maxPendingBytes, then goes in its own request",
          .timeLimit(.minutes(1)))
    func backPressure() async throws {
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 1_000, maxBytes: 1 << 20, linger: .zero), holdFirst: true)
        let oneBatch = TestRecords.batch(0..<2).byteCount
        let sink = Self.sink(transport, maxPendingBytes: oneBatch)
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await sink.deliver(TestRecords.batch(0..<2)) }
            await transport.firstSendStarted.wait()
            group.addTask { try await sink.deliver(TestRecords.batch(2..<4)) }
            while await sink.queuedRecords < 2 { await Task.yield() }
            group.addTask { try await sink.deliver(TestRecords.batch(4..<6)) }
            while await sink.deliveriesWaitingForSpace < 1 { await Task.yield() }
            #expect(await sink.queuedRecords == 2)  // the third batch is held back, not queued
            transport.releaseFirstSend.fire()
            try await group.waitForAll()
        }
        let sends = transport.accepted.map(Self.ids)
        #expect(sends == [["id-0", "id-1"], ["id-2", "id-3"], ["id-4", "id-5"]])
    }
}
