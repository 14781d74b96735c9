import Foundation
import Logging
import Synchronization

/// A durable, append-only local log of records: the fetch stage appends, one delivery loop per sink reads
/// at its own pace (docs/spool.md).
///
/// Appends are group-committed: every caller waiting while a write is in progress goes into the next
/// write, which is one `pwrite` and one `fdatasync` for all of them. An append returns only once its
/// entries are durable, and only durable entries are ever visible to readers (``end``).
// Invariant for @unchecked Sendable: the mutable state is in `state` (a Mutex); the open segment
// `active` is used only on `queue`, the spool's one writer queue.
public final class Spool: @unchecked Sendable {
    public let configuration: SpoolConfiguration
    let queue = DispatchQueue(label: "activityhook.spool.writer")
    let state: Mutex<State>
    let logger: Logger
    /// Set at open; the segment taking appends (only on `queue`).
    nonisolated(unsafe) var active: ActiveSegment
    /// What ``open(_:minimumNext:logger:)`` found.
    public let recovery: SpoolRecovery

    struct State {
        /// Durable entries are `[first, end)`.
        var first: UInt64
        var end: UInt64
        /// Segment files by their first sequence, oldest first, with their sizes.
        var segments: [(first: UInt64, bytes: Int)]
        var pending: [(records: [SpoolRecord], continuation: CheckedContinuation<SpoolRange, any Error>)] = []
        var writing = false
        var closed = false
        var tail = TailWaiters()
    }

    /// The open segment and where the next frame goes.
    struct ActiveSegment {
        var file: SpoolFile
        var first: UInt64
        var size: Int
    }

    init(configuration: SpoolConfiguration, state: State, active: ActiveSegment, recovery: SpoolRecovery, logger: Logger) {
        self.configuration = configuration
        self.state = Mutex(state)
        self.active = active
        self.recovery = recovery
        self.logger = logger
    }

    /// One past the newest durable entry's sequence.
    public var end: UInt64 { self.state.withLock { $0.end } }
    /// The oldest entry still held.
    public var first: UInt64 { self.state.withLock { $0.first } }
    /// Bytes of all segment files.
    public var bytes: Int64 { self.state.withLock { $0.segments.reduce(0) { $0 + Int64($1.bytes) } } }
    /// Segment files.
    public var segmentCount: Int { self.state.withLock { $0.segments.count } }
    /// Whether the spool has reached `maxBytes`: the fetch stage must stop leasing until sinks catch up.
    public var isFull: Bool { self.bytes >= self.configuration.maxBytes }

    /// Appends `records` and returns their sequences once they are durable. Concurrent appends share one write
    /// and one fsync. Never refuses for space: ``isFull`` is checked before a blob is leased, so what a blob in
    /// flight appends is never dropped.
    public func append(_ records: [SpoolRecord]) async throws -> SpoolRange {
        if records.isEmpty { return self.state.withLock { SpoolRange(first: $0.end, end: $0.end) } }
        return try await withCheckedThrowingContinuation { continuation in
            let start = self.state.withLock { state -> Bool? in
                guard !state.closed else { return nil }
                state.pending.append((records, continuation))
                if state.writing { return false }
                state.writing = true
                return true
            }
            guard let start else {
                return continuation.resume(throwing: SpoolError(.closed, "the spool is closed"))
            }
            if start { self.queue.async { self.drain() } }
        }
    }

    /// Writes groups of pending appends until none is left (on `queue`).
    private func drain() {
        while true {
            let batch = self.state.withLock { state -> [(records: [SpoolRecord], continuation: CheckedContinuation<SpoolRange, any Error>)] in
                let batch = state.pending
                state.pending.removeAll()
                if batch.isEmpty { state.writing = false }
                return batch
            }
            if batch.isEmpty { return }
            let first = self.state.withLock { $0.end }
            do {
                try self.write(batch.map(\.records), first: first)
            } catch {
                for item in batch { item.continuation.resume(throwing: error) }
                continue
            }
            var next = first
            var ranges: [SpoolRange] = []
            for item in batch {
                ranges.append(SpoolRange(first: next, end: next + UInt64(item.records.count)))
                next += UInt64(item.records.count)
            }
            let waiters = self.state.withLock { state -> [TailWaiters.Waiter] in
                state.end = next
                return state.tail.takeAll()
            }
            for (item, range) in zip(batch, ranges) { item.continuation.resume(returning: range) }
            for waiter in waiters { waiter.resume() }
        }
    }

    /// Encodes and writes the groups, rolling to a new segment when the active one is full, then fsyncs.
    private func write(_ groups: [[SpoolRecord]], first: UInt64) throws {
        let now = Date()
        var bytes: [UInt8] = []
        var sequence = first
        for records in groups {
            for record in records {
                if self.active.size + bytes.count >= self.configuration.segmentBytes && self.active.size + bytes.count > SegmentScanner.headerBytes {
                    try self.flush(bytes)
                    bytes.removeAll(keepingCapacity: true)
                    try self.roll(first: sequence)
                }
                SpoolCodec.encode(record, sequence: sequence, appendedAt: now, into: &bytes)
                sequence += 1
            }
        }
        try self.flush(bytes)
    }

    /// Writes and syncs `bytes` at the end of the active segment.
    private func flush(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        do {
            try self.active.file.write(bytes, at: self.active.size)
            try self.active.file.sync()
        } catch {
            // A failed write may have left part of a frame: cut it, so the next append starts clean.
            try? self.active.file.truncate(to: self.active.size)
            throw error
        }
        self.active.size += bytes.count
        let (first, size) = (self.active.first, self.active.size)
        self.state.withLock { state in
            if let index = state.segments.lastIndex(where: { $0.first == first }) { state.segments[index].bytes = size }
        }
    }

    /// Closes the active segment and starts a new one whose first entry will be `first`.
    private func roll(first: UInt64) throws {
        let segment = try SpoolSegments.create(in: self.configuration.directory, first: first)
        self.active = segment
        self.state.withLock { $0.segments.append((first, segment.size)) }
    }

    /// Fails every waiting append and tail waiter; later appends throw. Entries already durable stay.
    public func close() {
        let (pending, waiters) = self.state.withLock { state in
            state.closed = true
            defer { state.pending.removeAll() }
            return (state.pending, state.tail.takeAll())
        }
        for item in pending { item.continuation.resume(throwing: SpoolError(.closed, "the spool is closed")) }
        for waiter in waiters { waiter.resume() }
    }
}
