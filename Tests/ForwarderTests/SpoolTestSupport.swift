import Foundation
import HookForwarder
import HookLedger
import HookMetrics
import HookSinks
import HookSpool
import Logging
import ServiceLifecycle
import Synchronization
import Testing

/// A spool in a directory of its own, removed when the last reference goes.
final class TestSpool: Sendable {
    let directory: URL
    let spool: Spool

    init(directory: URL, spool: Spool) {
        self.directory = directory
        self.spool = spool
    }

    static func make(segmentBytes: Int = SpoolConfiguration.defaultSegmentBytes,
                     maxBytes: Int64 = SpoolConfiguration.defaultMaxBytes) async throws -> TestSpool {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("activityhook-spool-\(UUID().uuidString)")
        let spool = try await Spool.open(SpoolConfiguration(directory: directory.path, maxBytes: maxBytes, segmentBytes: segmentBytes),
                                         logger: quietLogger)
        return TestSpool(directory: directory, spool: spool)
    }

    deinit {
        self.spool.close()
        try? FileManager.default.removeItem(at: self.directory)
    }
}

/// One spool per ledger for the processors of a test, as `serve` has one: a test that makes a processor per
/// attempt keeps its sinks' cursors meaningful.
enum SharedTestSpools {
    private final class Entry: Sendable {
        nonisolated(unsafe) weak var ledger: AnyObject?
        let spool: TestSpool
        init(ledger: AnyObject, spool: TestSpool) {
            self.ledger = ledger
            self.spool = spool
        }
    }

    private static let entries = Mutex<[Entry]>([])

    static func spool(for ledger: any Ledger) async throws -> TestSpool {
        let object = ledger as AnyObject
        if let found = Self.entries.withLock({ entries -> TestSpool? in
            entries.removeAll { $0.ledger == nil }
            return entries.first { $0.ledger === object }?.spool
        }) { return found }
        let made = try await TestSpool.make()
        return Self.entries.withLock { entries in
            if let raced = entries.first(where: { $0.ledger === object })?.spool { return raced }
            entries.append(Entry(ledger: object, spool: made))
            return made
        }
    }
}

/// The fetch stage with a drain of the spool after each blob: every sink is offered, once, what it has not
/// accepted yet, as its delivery loop would (a failing sink keeps its cursor and is offered the records again
/// at the next drain). Tests of the fetch stage read the sinks right after `process`.
struct SpooledProcessor: Sendable {
    let processor: BlobProcessor
    let store: TestSpool
    let ledger: any Ledger
    let sinks: [any Sink]
    private let drains = DrainGate()

    var spool: Spool { self.store.spool }

    init(processor: BlobProcessor, store: TestSpool, ledger: any Ledger, sinks: [any Sink]) async throws {
        self.processor = processor
        self.store = store
        self.ledger = ledger
        self.sinks = sinks
        try await ledger.createCursors(sinks.map(\.name), at: store.spool.end, allSinks: sinks.map(\.name), now: Date())
    }

    func process(_ blob: LeasedBlob) async -> BlobOutcome {
        let outcome = await self.processor.process(blob)
        await self.drain()
        return outcome
    }

    /// Offers every sink the entries past its cursor; advances the cursor of each that accepted them.
    func drain() async {
        await self.drains.serially {
            let cursors = (try? await self.ledger.sinkCursors()) ?? []
            for sink in self.sinks {
                guard let start = cursors.first(where: { $0.sink == sink.name })?.next else { continue }
                let reader = SpoolReader(spool: self.spool, from: start)
                guard let entries = try? await reader.read(maxEntries: 1_000_000, maxBytes: 1 << 30), let last = entries.last else { continue }
                do {
                    for batch in SinkDeliveryLoop.batches(entries, filter: sink.filter) { try await sink.deliver(batch) }
                    _ = try await self.ledger.advanceCursor(sink: sink.name, to: last.sequence + 1, sinks: self.sinks.map(\.name), now: Date())
                } catch {
                    continue
                }
            }
        }
    }
}

/// Runs one drain at a time (concurrent `process` calls would otherwise offer a sink the same entries twice).
final class DrainGate: Sendable {
    private let state = Mutex<(busy: Bool, waiting: [CheckedContinuation<Void, Never>])>((false, []))

    func serially(_ body: () async -> Void) async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            let run = self.state.withLock { state -> Bool in
                if state.busy { state.waiting.append(continuation); return false }
                state.busy = true
                return true
            }
            if run { continuation.resume() }
        }
        await body()
        let next = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            if state.waiting.isEmpty { state.busy = false; return nil }
            return state.waiting.removeFirst()
        }
        next?.resume()
    }
}

/// Both stages of `serve` over a test spool: the pool and one delivery loop per sink.
struct Stages: Sendable {
    let forwarding: Forwarding
    let store: TestSpool

    var pool: WorkerPool { self.forwarding.pool }
    var outcomes: AsyncStream<FinishedBlob> { self.forwarding.pool.outcomes }

    static func make(ledger: any Ledger, sinks: [any Sink], registry: MetricsRegistry = MetricsRegistry(),
                     maxBytes: Int64 = SpoolConfiguration.defaultMaxBytes, segmentBytes: Int = SpoolConfiguration.defaultSegmentBytes,
                     makePool: @escaping (Spool) -> WorkerPool) async throws -> Stages {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("activityhook-stages-\(UUID().uuidString)")
        let forwarding = try await Forwarding.make(
            sinks: sinks, ledger: ledger,
            spoolConfiguration: SpoolConfiguration(directory: directory.path, maxBytes: maxBytes, segmentBytes: segmentBytes),
            makePool: makePool, registry: registry, logger: quietLogger)
        return Stages(forwarding: forwarding, store: TestSpool(directory: directory, spool: forwarding.spool))
    }

    /// Runs the pool and every loop until ``beginShutdown()``.
    func run() async throws {
        try await withThrowingTaskGroup(of: Void.self) { group in
            for service in self.forwarding.services { group.addTask { try await service.run() } }
            try await group.waitForAll()
        }
    }

    func beginShutdown() {
        self.forwarding.pool.beginShutdown()
        for loop in self.forwarding.loops { loop.beginShutdown() }
    }

    /// Waits until each of `sinks` (default: all) has accepted everything spooled so far.
    func waitDelivered(_ sinks: [String]? = nil) async {
        let end = self.forwarding.spool.end
        for name in sinks ?? self.forwarding.board.sinks { await self.forwarding.board.waitUntil(name, reaches: end) }
    }
}

