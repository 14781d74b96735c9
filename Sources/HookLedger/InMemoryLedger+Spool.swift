import Foundation
import Synchronization

/// The spool's side of the ledger in memory, with the rules of ``SQLiteLedger`` (``DeliveryLedger``).
extension InMemoryLedger {
    /// Applies `change` to the blob while `blob`'s lease is held; false otherwise.
    private func withHeldLease(_ blob: LeasedBlob, _ change: (inout Row) -> Void) -> Bool {
        self.rows.withLock { state in
            let key = Self.key(blob.notice.tenantId, blob.notice.contentId)
            guard let row = state.byKey[key], row.state == .leased, row.attempts == blob.attempt else { return false }
            change(&state.byKey[key]!)
            return true
        }
    }

    public func recordSpoolProgress(_ blob: LeasedBlob, offset: Int, lastSequence: UInt64?) async throws -> Bool {
        try self.checkWrites()
        return self.withHeldLease(blob) { row in
            row.spoolOffset = offset
            if let lastSequence { row.spoolLast = lastSequence }
            row.claimsAhead = false
        }
    }

    public func markSpooled(_ blob: LeasedBlob, lastSequence: UInt64?, sinks: [String], now: Date) async throws -> Bool {
        try self.checkWrites()
        let cursors = self.cursors.withLock { $0 }
        let passed = sinks.filter { sink in cursors[sink].map { cursor in lastSequence.map { cursor.next > $0 } ?? true } ?? false }
        return self.withHeldLease(blob) { row in
            row.state = passed.count == sinks.count ? .done : .spooled
            row.spoolLast = lastSequence
            row.claimsAhead = false
            row.leaseExpires = nil
            row.lastError = nil
            row.sinks.formUnion(passed)
        }
    }

    public func sinkCursors() async throws -> [SinkCursor] {
        self.cursors.withLock { $0.values.sorted { $0.sink < $1.sink } }
    }

    public func createCursors(_ sinks: [String], at next: UInt64, allSinks: [String], now: Date) async throws {
        try self.checkWrites()
        let created = self.cursors.withLock { cursors in
            sinks.filter { sink in
                guard cursors[sink] == nil else { return false }
                cursors[sink] = SinkCursor(sink: sink, next: next)
                return true
            }
        }
        for sink in created { self.accept(sink: sink, from: 0, below: next) }
        self.finishPassed(allSinks, now: now)
    }

    public func advanceCursor(sink: String, to next: UInt64, sinks: [String], now: Date) async throws -> Int {
        try self.checkWrites()
        let previous = self.cursors.withLock { cursors -> UInt64? in
            let previous = cursors[sink]?.next ?? 0
            guard next > previous else { return nil }
            cursors[sink, default: SinkCursor(sink: sink, next: 0)].next = next
            return previous
        }
        guard let previous else { return 0 }
        self.accept(sink: sink, from: previous, below: next)
        return self.finishPassed(sinks, now: now)
    }

    public func setSinkState(sink: String, state: SinkDeliveryState, message: String?, now: Date) async throws {
        try self.checkWrites()
        self.cursors.withLock { cursors in
            guard var cursor = cursors[sink] else { return }
            if cursor.state != state { cursor.since = now }
            cursor.state = state
            cursor.message = message
            cursors[sink] = cursor
        }
    }

    public func requeueSpooled(cursor: UInt64, now: Date) async throws -> Int {
        try self.checkWrites()
        self.cursors.withLock { cursors in for key in cursors.keys { cursors[key]!.next = cursor } }
        return self.rows.withLock { state in
            let keys = state.byKey.filter { $0.value.state == .spooled }.map(\.key)
            for key in keys {
                state.byKey[key]!.state = .queued
                state.byKey[key]!.attempts = 0
                state.byKey[key]!.spoolOffset = 0
                state.byKey[key]!.spoolLast = nil
                state.byKey[key]!.nextAttempt = now
            }
            return keys.count
        }
    }

    private func accept(sink: String, from: UInt64, below next: UInt64) {
        self.rows.withLock { state in
            for (key, row) in state.byKey where row.state == .spooled {
                if let last = row.spoolLast, last >= from, last < next { state.byKey[key]!.sinks.insert(sink) }
            }
        }
    }

    @discardableResult
    private func finishPassed(_ sinks: [String], now: Date) -> Int {
        let cursors = self.cursors.withLock { $0 }
        guard !sinks.isEmpty, sinks.allSatisfy({ cursors[$0] != nil }),
              let lowest = sinks.compactMap({ cursors[$0]?.next }).min() else { return 0 }
        return self.rows.withLock { state in
            var done = 0
            for (key, row) in state.byKey where row.state == .spooled && (row.spoolLast.map { $0 < lowest } ?? true) {
                state.byKey[key]!.state = .done
                done += 1
            }
            return done
        }
    }
}
