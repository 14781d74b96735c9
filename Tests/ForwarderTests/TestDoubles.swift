import Foundation
import HookConfig
import HookForwarder
import HookLedger
import HookSinks
import Synchronization
import Testing

/// A sink that records what it accepted and can be told to fail or to block until cancelled.
final class RecordingSink: Sink {
    enum Mode: Sendable {
        case accept
        case fail(SinkError.Kind, retryAfter: Duration?)
        case block
    }

    let name: String
    let filter: SinkFilter
    private let state: Mutex<(mode: Mode, batches: [RecordBatch], calls: Int)>
    /// One element per `deliver` call, when it starts (tests wait on it instead of sleeping).
    let started: AsyncStream<Int>
    private let startedContinuation: AsyncStream<Int>.Continuation

    init(_ name: String, filter: SinkFilter = SinkFilter(), mode: Mode = .accept) {
        self.name = name
        self.filter = filter
        self.state = Mutex((mode, [], 0))
        (self.started, self.startedContinuation) = AsyncStream.makeStream(of: Int.self)
    }

    func setMode(_ mode: Mode) { self.state.withLock { $0.mode = mode } }

    /// Every accepted record, in delivery order.
    var records: [[UInt8]] { self.state.withLock { $0.batches.flatMap { $0.records.map(\.bytes) } } }
    /// The accepted batches.
    var batches: [RecordBatch] { self.state.withLock { $0.batches } }
    /// `deliver` calls, accepted or not.
    var calls: Int { self.state.withLock { $0.calls } }

    func deliver(_ batch: RecordBatch) async throws {
        let mode = self.state.withLock { state in
            state.calls += 1
            return state.mode
        }
        self.startedContinuation.yield(batch.records.count)
        switch mode {
        case .accept:
            self.state.withLock { $0.batches.append(batch) }
        case .fail(let kind, let retryAfter):
            throw SinkError(sink: self.name, kind: kind, message: "test outage", retryAfter: retryAfter)
        case .block:
            try await waitUntilCancelled()
        }
    }

    func shutdown() async {}
}

/// Suspends until the calling task is cancelled, then throws `CancellationError`.
func waitUntilCancelled() async throws {
    let (stream, continuation) = AsyncStream<Void>.makeStream()
    // An AsyncStream's iteration ends when the iterating task is cancelled.
    for await _ in stream {}
    continuation.finish()
    throw CancellationError()
}

/// A clock stuck at one time whose sleeps last until cancelled (so lease renewal never fires in tests).
struct FrozenClock: WorkerClock {
    let time: Date
    init(_ time: Date) { self.time = time }
    func now() -> Date { self.time }
    func sleep(for duration: Duration) async throws { try await waitUntilCancelled() }
}

/// A fetcher that counts opens and forwards to another one.
final class CountingFetcher: BlobFetcher {
    let base: any BlobFetcher
    private let count = Mutex(0)
    /// One element per `open`.
    let opened: AsyncStream<Int>
    private let openedContinuation: AsyncStream<Int>.Continuation
    init(_ base: any BlobFetcher) {
        self.base = base
        (self.opened, self.openedContinuation) = AsyncStream.makeStream(of: Int.self)
    }
    var opens: Int { self.count.withLock { $0 } }
    func open(_ blob: LeasedBlob) async throws -> BlobChunks {
        self.openedContinuation.yield(self.count.withLock { $0 += 1; return $0 })
        return try await self.base.open(blob)
    }
}

/// Waits for `count` elements of `stream`, failing the test after `seconds` (a timeout, never a sync sleep).
func waitFor(_ count: Int, of stream: AsyncStream<Int>, within seconds: Double = 30) async throws {
    let reached = await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            var seen = 0
            for await _ in stream {
                seen += 1
                if seen >= count { return true }
            }
            return false
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return false
        }
        let first = await group.next() ?? false
        group.cancelAll()
        return first
    }
    if !reached { Issue.record("fewer than \(count) events within \(seconds) s") }
}
