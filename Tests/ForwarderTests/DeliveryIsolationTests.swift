import Foundation
import HookConfig
import HookForwarder
import HookLedger
import HookMetrics
import HookRecords
import HookSinks
import HookSpool
import HookTestSupport
import Synchronization
import Testing

/// Issue 13 §2-3: one delivery loop per sink. A sink that is down, throttled or refusing us never delays
/// another sink, and its records wait in the spool until it takes them.
@Suite struct DeliveryIsolationTests {
    static func records(_ blob: Int64, _ count: Int, type: Int = 1) -> [SpoolRecord] {
        (0..<count).map { index in
            let id = "r-\(blob)-\(index)"
            let text = #"{"Id":"\#(id)","CreationTime":"2026-12-01T10:00:00","RecordType":\#(type),"Operation":"Op"}"#
            return SpoolRecord(origin: BlobSource(blobId: blob, tenantId: tenantA, contentType: "Audit.General", contentId: "c-\(blob)"),
                               record: SplitRecord(bytes: Array(text.utf8), offset: index * 100, id: id, recordType: type,
                                                   creationTimeText: "2026-12-01T10:00:00", operation: "Op", workload: nil,
                                                   organizationId: nil, userId: nil))
        }
    }

    /// Runs one loop per sink over a test spool until `body` returns.
    func withLoops(_ sinks: [any Sink], registry: MetricsRegistry = MetricsRegistry(),
                   _ body: @Sendable (Spool, CursorBoard, any Ledger) async throws -> Void) async throws {
        let ledger = InMemoryLedger()
        let store = try await TestSpool.make()
        let names = sinks.map(\.name)
        try await ledger.createCursors(names, at: 0, allSinks: names, now: Date())
        let board = CursorBoard(sinks: names, cursors: try await ledger.sinkCursors())
        let metrics = DeliveryMetrics(registry: registry)
        let loops = sinks.map {
            SinkDeliveryLoop(sink: $0, spool: store.spool, ledger: ledger, board: board, metrics: metrics,
                             settings: .init(retryBase: .milliseconds(10), retryCap: .milliseconds(50), permanentRetry: .milliseconds(50)),
                             logger: quietLogger)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for loop in loops { group.addTask { try await loop.run() } }
            try await body(store.spool, board, ledger)
            for loop in loops { loop.beginShutdown() }
            group.cancelAll()  // a delivery that never returns (`.block`) ends only by cancellation
            try await group.waitForAll()
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func alertsReachTheirSinkWhileAnotherSinkIsStuckAndTheStuckOneGetsEverythingLater() async throws {
        let alerts = RecordingSink("alerts", filter: SinkFilter(recordTypes: [28]))
        let sentinel = RecordingSink("sentinel", mode: .block)
        try await self.withLoops([alerts, sentinel]) { spool, board, _ in
            _ = try await spool.append(Self.records(1, 50))
            // Sentinel's loop is inside a delivery that never returns.
            try await waitFor(1, of: sentinel.started)
            _ = try await spool.append(Self.records(2, 5, type: 28))
            await board.waitUntil("alerts", reaches: spool.end)
            #expect(alerts.records.count == 5)
            #expect(sentinel.records.isEmpty)
            #expect(board.cursor(of: "sentinel") == 0)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aFailingSinkRetriesUntilTheDestinationAcceptsAndItsStateShowsTheDestinationsMessage() async throws {
        let file = RecordingSink("file")
        let hec = RecordingSink("hec", mode: .fail(.transient, retryAfter: nil))
        let registry = MetricsRegistry()
        try await self.withLoops([file, hec], registry: registry) { spool, board, ledger in
            _ = try await spool.append(Self.records(1, 20))
            await board.waitUntil("file", reaches: 20)
            try await waitFor(3, of: hec.started)
            #expect(board.state(of: "hec") == .retrying)
            let cursors = try await ledger.sinkCursors()
            #expect(cursors.first { $0.sink == "hec" }?.message == "test outage")
            #expect(cursors.first { $0.sink == "hec" }?.state == .retrying)
            // A refusal that needs an operator: permanent, still retried (slowly), nothing discarded.
            hec.setMode(.fail(.permanent, retryAfter: nil))
            let calls = hec.calls
            try await waitFor(calls + 2, of: hec.started)
            #expect(board.state(of: "hec") == .permanent)
            hec.setMode(.accept)
            await board.waitUntil("hec", reaches: 20)
            #expect(hec.records.count == 20)
            #expect(file.records.count == 20)
            #expect(board.state(of: "hec") == .delivering)
        }
        // Every record once per sink, and the metrics on the new model.
        let text = registry.render()
        #expect(text.contains(#"activityhook_records_forwarded_total{sink="hec"} 20"#), "\(text)")
        #expect(text.contains(#"activityhook_records_forwarded_total{sink="file"} 20"#))
    }

    @Test(.timeLimit(.minutes(1)))
    func spentSegmentsGoOnlyWhenEverySinkHasPassedThem() async throws {
        let fast = RecordingSink("fast")
        let slow = RecordingSink("slow", mode: .fail(.transient, retryAfter: nil))
        let ledger = InMemoryLedger()
        let store = try await TestSpool.make(segmentBytes: 1_024)
        try await ledger.createCursors(["fast", "slow"], at: 0, allSinks: ["fast", "slow"], now: Date())
        let board = CursorBoard(sinks: ["fast", "slow"], cursors: try await ledger.sinkCursors())
        let metrics = DeliveryMetrics(registry: MetricsRegistry())
        let loops = [fast, slow].map {
            SinkDeliveryLoop(sink: $0, spool: store.spool, ledger: ledger, board: board, metrics: metrics,
                             settings: .init(maxEntries: 7, retryBase: .milliseconds(5), retryCap: .milliseconds(20)), logger: quietLogger)
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for loop in loops { group.addTask { try await loop.run() } }
            for blob in 1...10 { _ = try await store.spool.append(Self.records(Int64(blob), 10)) }
            await board.waitUntil("fast", reaches: 100)
            let segments = store.spool.segmentCount
            #expect(segments > 5, "the slow sink's cursor keeps every segment")
            slow.setMode(.accept)
            await board.waitUntil("slow", reaches: 100)
            for loop in loops { loop.beginShutdown() }
            try await group.waitForAll()
        }
        #expect(store.spool.segmentCount == 1)
        #expect(slow.records.count == 100)
    }

    @Test(.timeLimit(.minutes(1)))
    func aRetryResendsOnlyTheBatchesTheDestinationRefused() async throws {
        let sink = FirstTryFailsForBlob(blob: 2)
        try await self.withLoops([sink]) { spool, board, _ in
            // One read holds both blobs' entries: two batches, handed to the sink together.
            _ = try await spool.append(Self.records(1, 10) + Self.records(2, 10))
            await board.waitUntil("picky", reaches: 20)
        }
        let ids = sink.accepted
        #expect(ids.count == 20, "a batch the destination had accepted was sent again: \(ids.count) records")
        #expect(Set(ids).count == 20)
        #expect(sink.refusals == 1)
    }
}

/// A sink whose destination refuses one blob's records on the first try only.
final class FirstTryFailsForBlob: Sink {
    let name = "picky"
    let filter = SinkFilter()
    let blob: Int64
    private let state = Mutex<(accepted: [String], refusals: Int)>(([], 0))

    init(blob: Int64) { self.blob = blob }

    var accepted: [String] { self.state.withLock { $0.accepted } }
    var refusals: Int { self.state.withLock { $0.refusals } }

    func deliver(_ batch: RecordBatch) async throws {
        let refuse = self.state.withLock { state -> Bool in
            guard batch.source.blobId == self.blob, state.refusals == 0 else {
                state.accepted += batch.records.compactMap(\.id)
                return false
            }
            state.refusals += 1
            return true
        }
        if refuse { throw SinkError(sink: self.name, kind: .transient, message: "try again", retryAfter: nil) }
    }

    func shutdown() async {}
}
