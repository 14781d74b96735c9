import Foundation
import HookConfig
import HookForwarder
import HookLedger
import HookMetrics
import HookRecords
import Synchronization
import Testing

/// A fetcher that serves the same bytes for every blob, in small chunks.
struct StaticFetcher: BlobFetcher {
    let body: [UInt8]
    func open(_ blob: LeasedBlob) async throws -> BlobChunks { BlobChunks.bytes(self.body, chunkSize: 7) }
}

/// A clock frozen at one time whose first `immediate` sleeps return at once (after `gate`, if given); later
/// ones last until cancelled.
final class ScriptedClock: WorkerClock {
    let time: Date
    private let remaining: Mutex<Int>
    private let gate: @Sendable () async -> Void
    init(_ time: Date, immediate: Int, gate: @escaping @Sendable () async -> Void = {}) {
        self.time = time
        self.remaining = Mutex(immediate)
        self.gate = gate
        (self.sleeps, self.sleepsContinuation) = AsyncStream.makeStream(of: Int.self)
    }
    func now() -> Date { self.time }
    /// One element per `sleep` call, when it starts.
    let sleeps: AsyncStream<Int>
    private let sleepsContinuation: AsyncStream<Int>.Continuation

    func sleep(for duration: Duration) async throws {
        let immediate = self.remaining.withLock { remaining in
            defer { remaining -= 1 }
            return remaining > 0
        }
        self.sleepsContinuation.yield(1)
        if immediate {
            await self.gate()
            return
        }
        try await waitUntilCancelled()
    }
}

@Suite struct RetryPolicyTests {
    static let body = Array(#"[{"Id":"9a5c2f3e-1b2c-4d5e-8f90-a1b2c3d4e5f6","RecordType":1,"CreationTime":"2026-11-28T10:00:00"}]"#.utf8)

    func notice(_ id: String, now: Date) -> BlobNotice {
        BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: id, contentUri: "http://127.0.0.1:9/\(id)",
                   contentCreated: now, contentExpiration: now.addingTimeInterval(86_400))
    }

    @Test func theBackOffDoublesUpToFiveMinutesAndHonoursTheServer() {
        let policy = ForwardingPolicy()
        #expect(policy.retryDelay(attempt: 1, serverRequested: nil, random: { $0.upperBound }) == .seconds(5))
        #expect(policy.retryDelay(attempt: 3, serverRequested: nil, random: { $0.upperBound }) == .seconds(20))
        #expect(policy.retryDelay(attempt: 3, serverRequested: nil, random: { $0.lowerBound }) == .seconds(10))
        #expect(policy.retryDelay(attempt: 40, serverRequested: nil, random: { $0.upperBound }) == .seconds(300))
        #expect(policy.retryDelay(attempt: 1, serverRequested: .seconds(42)) == .seconds(42))
        #expect(policy.retryDelay(attempt: 1, serverRequested: .seconds(7_200)) == .seconds(900))
        #expect(ForwardingPolicy(workers: WorkersConfig(concurrency: 2, maxAttempts: 4)).errorAfterAttempts == 4)
    }

    @Test func aSinkOutageNeverTouchesTheBlobItIsSpooledOnceAndItsRecordsWaitForTheSink() async throws {
        let ledger = InMemoryLedger()
        let now = Date()
        _ = try await ledger.record([self.notice("held", now: now)], source: .webhook, at: now)
        let sink = RecordingSink("siem", mode: .fail(.permanent, retryAfter: nil))
        let blob = try #require(try await ledger.lease(limit: 1, for: .seconds(300), now: now).first)
        let processor = try await makeProcessor(ledger: ledger, fetcher: StaticFetcher(body: Self.body), sinks: [sink],
                                                policy: ForwardingPolicy(errorAfterAttempts: 2), now: now)
        #expect(await processor.process(blob) == .done)
        // Fetched once; the sink refused, so the blob waits (spooled) and is never leased again.
        #expect(try await ledger.state(tenantId: tenantA, contentId: "held") == .spooled)
        #expect(try await ledger.lease(limit: 1, for: .seconds(300), now: now.addingTimeInterval(3_600)).isEmpty)
        for _ in 0..<5 { await processor.drain() }
        #expect(sink.calls == 6)
        #expect(try await ledger.sinkBacklog(sinks: ["siem"]) == ["siem": 1])
        // The destination takes the records at last: the same records, from the spool, and the blob is done.
        sink.setMode(.accept)
        await processor.drain()
        #expect(sink.records.count == (try RecordSplitter.split(Self.body)).count)
        #expect(try await ledger.state(tenantId: tenantA, contentId: "held") == .done)
    }

    @Test func aLeaseIsRenewedWhileTheBlobIsInFlightAndReleasedOnCancellation() async throws {
        let ledger = InMemoryLedger()
        let now = Date()
        _ = try await ledger.record([self.notice("long", now: now)], source: .webhook, at: now)
        let blob = try #require(try await ledger.lease(limit: 1, for: .seconds(60), now: now).first)
        let store = try await TestSpool.make()
        let spool = store.spool
        // The renewal is due once records are spooled (progress: a lease is renewed only while it is made).
        let clock = ScriptedClock(now, immediate: 1) { await spool.waitForEntries(from: 0) }
        let processor = BlobProcessor(ledger: ledger, fetcher: EndlessFetcher(), spool: spool, sinks: [RecordingSink("siem")],
                                      metrics: ForwarderMetrics(registry: MetricsRegistry()),
                                      policy: ForwardingPolicy(leaseDuration: .seconds(300)), clock: clock, logger: quietLogger)
        let task = Task { await processor.process(blob) }
        // The second sleep starts after the first renewal was stored.
        try await waitFor(2, of: clock.sleeps)
        // Without the renewal the 60-second lease would have expired by now + 120 s.
        #expect(try await ledger.lease(limit: 1, for: .seconds(60), now: now.addingTimeInterval(120)).isEmpty)
        task.cancel()
        #expect(await task.value == .released)
        let again = try #require(try await ledger.lease(limit: 1, for: .seconds(60), now: now).first)
        #expect(again.attempt == 1)
        withExtendedLifetime(store) {}
    }

    @Test func aWorkerWhoseLeaseWasTakenStopsAndRecordsNothing() async throws {
        let ledger = InMemoryLedger()
        let now = Date()
        _ = try await ledger.record([self.notice("slow", now: now)], source: .webhook, at: now)
        let stale = try #require(try await ledger.lease(limit: 1, for: .seconds(60), now: now).first)
        // The lease expired (say the process hung) and another worker took the blob.
        let current = try #require(try await ledger.lease(limit: 1, for: .seconds(60), now: now.addingTimeInterval(61)).first)
        let store = try await TestSpool.make()
        let spool = store.spool
        let processor = BlobProcessor(ledger: ledger, fetcher: EndlessFetcher(), spool: spool, sinks: [RecordingSink("siem")],
                                      metrics: ForwarderMetrics(registry: MetricsRegistry()),
                                      clock: ScriptedClock(now, immediate: 1) { await spool.waitForEntries(from: 0) },
                                      logger: quietLogger)
        guard case .abandoned = await processor.process(stale) else {
            Issue.record("expected the stale worker to abandon the blob")
            return
        }
        #expect(try await ledger.state(tenantId: tenantA, contentId: "slow") == .leased)
        #expect(try await ledger.markSpooled(current, lastSequence: nil, sinks: ["siem"], now: now))
        withExtendedLifetime(store) {}
    }

    @Test func windowsAreSpooledAsTheBodyStreamsAndAFailingSinkHoldsOnlyItsOwnCursor() async throws {
        let ledger = InMemoryLedger()
        let now = Date()
        let padding = String(repeating: "x", count: 500)
        let records = (0..<100).map { _ in #"{"Id":"\#(UUID().uuidString)","RecordType":1,"Pad":"\#(padding)"}"# }
        let body = Array(("[" + records.joined(separator: ",") + "]").utf8)
        _ = try await ledger.record([self.notice("big", now: now)], source: .webhook, at: now)
        let blob = try #require(try await ledger.lease(limit: 1, for: .seconds(300), now: now).first)
        let good = RecordingSink("good")
        let bad = RecordingSink("bad", mode: .fail(.transient, retryAfter: nil))
        // Windows bounded by bytes: about 5 KB, so 9 records each.
        let processor = try await makeProcessor(ledger: ledger, fetcher: StaticFetcher(body: body), sinks: [good, bad],
                                                policy: ForwardingPolicy(windowRecords: 1_000, windowBytes: 5_000), now: now)
        #expect(await processor.process(blob) == .done)
        #expect(processor.spool.end == 100)
        #expect(good.records.count == 100)
        #expect(bad.calls >= 1)
        #expect(try await ledger.acceptedSinks(blobId: blob.id) == ["good"])
        #expect(try await ledger.sinkBacklog(sinks: ["good", "bad"]) == ["good": 0, "bad": 1])
    }
}

/// A body that never ends: records for as long as it is read (a long blob in flight).
struct EndlessFetcher: BlobFetcher {
    struct Records: AsyncSequence, Sendable {
        typealias Element = [UInt8]
        struct AsyncIterator: AsyncIteratorProtocol {
            var count = 0
            mutating func next() async throws -> [UInt8]? {
                defer { self.count += 1 }
                try Task.checkCancellation()
                await Task.yield()
                return Array(((self.count == 0 ? "[" : ",") + #"{"Id":"endless-\#(self.count)","RecordType":1}"#).utf8)
            }
        }
        func makeAsyncIterator() -> AsyncIterator { AsyncIterator() }
    }

    func open(_ blob: LeasedBlob) async throws -> BlobChunks { BlobChunks(Records()) }
}

/// Issue 13: a sink that stays down past its blobs' contentExpiration still gets every record: once spooled,
/// the records no longer depend on Microsoft's 7-day store.
@Suite struct SpooledPastExpiryTests {
    @Test func aSinkDownPastTheContentExpirationStillGetsEveryRecordWhenItRecovers() async throws {
        let ledger = InMemoryLedger()
        let now = Date()
        let body = Array(#"[{"Id":"e-1","RecordType":1},{"Id":"e-2","RecordType":1}]"#.utf8)
        let notice = BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: "soon", contentUri: "https://example.invalid/soon",
                                contentCreated: now.addingTimeInterval(-7 * 86_400 + 60), contentExpiration: now.addingTimeInterval(60))
        _ = try await ledger.record([notice], source: .webhook, at: now)
        let blob = try #require(try await ledger.lease(limit: 1, for: .seconds(300), now: now).first)
        let sink = RecordingSink("siem", mode: .fail(.transient, retryAfter: nil))
        let processor = try await makeProcessor(ledger: ledger, fetcher: StaticFetcher(body: body), sinks: [sink], now: now)
        #expect(await processor.process(blob) == .done)
        // Spooled: nothing is at risk any more, although the content expires in a minute.
        let summary = try await ledger.summary(now: now)
        #expect(summary.expiringWithin24h == 0)
        #expect(summary.total(.spooled) == 1)
        // A day later (the content is long gone at Microsoft) the sink is back: every record, from the spool.
        #expect(try await ledger.lease(limit: 1, for: .seconds(300), now: now.addingTimeInterval(86_400)).isEmpty)
        sink.setMode(.accept)
        await processor.drain()
        #expect(sink.batches.flatMap(\.records).compactMap(\.id) == ["e-1", "e-2"])
        #expect(try await ledger.state(tenantId: tenantA, contentId: "soon") == .done)
    }
}
