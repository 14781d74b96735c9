import Foundation
import Synchronization

/// A ``Ledger`` in memory with the same rules as ``SQLiteLedger``, for unit tests of its callers.
public final class InMemoryLedger: Ledger {
    struct Row: Sendable {
        var id: Int64
        var notice: BlobNotice
        var state: BlobState = .queued
        var attempts = 0
        var firstSeen: Date
        var seenAgain = 0
        var nextAttempt: Date
        var leaseExpires: Date?
        var lastError: String?
        var sinks: Set<String> = []
        var parseFailures = 0
        var spoolOffset = 0
        var spoolLast: UInt64?
        var claimsAhead = false
    }

    let rows = Mutex<(byKey: [String: Row], nextID: Int64)>(([:], 1))
    /// Record claims: Id → (claiming blob, when); see ``RecordClaimRules``.
    let claims = Mutex<[BucketedClaimKey: Int64]>([:])
    /// Request grants per tenant (``RequestBudgetStore``).
    let grants = Mutex<[String: [(until: Int64, calls: Int)]]>([:])
    /// Backfill jobs and the blobs each found (``BackfillJobStore``).
    let jobs = Mutex<(byId: [Int64: InMemoryBackfillJob], nextID: Int64)>(([:], 1))
    /// Per tenant, when a lease last served it (tenants take turns across leases).
    let tenantTurns = Mutex<(served: [String: Int], next: Int)>(([:], 1))
    /// Sink cursors (``DeliveryLedger``).
    let cursors = Mutex<[String: SinkCursor]>([:])
    /// When set, every write fails with this error (to test the receiver's 503 path).
    public let failWrites = Mutex<LedgerError?>(nil)

    public init() {}

    static func key(_ tenant: String, _ content: String) -> String { tenant.lowercased() + "\u{0}" + content }

    func checkWrites() throws { if let error = self.failWrites.withLock({ $0 }) { throw error } }

    public func record(
        _ notices: [BlobNotice], source: DiscoverySource, at now: Date,
        completion: @escaping @Sendable (Result<RecordOutcome, any Error>) -> Void
    ) {
        completion(Result { try self.recordNow(notices, at: now) })
    }

    private func recordNow(_ notices: [BlobNotice], at now: Date) throws -> RecordOutcome {
        try self.checkWrites()
        return self.rows.withLock { state in
            var outcome = RecordOutcome()
            for notice in notices {
                let key = Self.key(notice.tenantId, notice.contentId)
                if state.byKey[key] != nil {
                    state.byKey[key]!.seenAgain += 1
                    outcome.duplicates += 1
                } else {
                    state.byKey[key] = Row(id: state.nextID, notice: notice, firstSeen: now, nextAttempt: now)
                    state.nextID += 1
                    outcome.inserted += 1
                }
            }
            return outcome
        }
    }

    public func lease(limit: Int, for duration: Duration, now: Date, priority: [String]) async throws -> [LeasedBlob] {
        try self.checkWrites()
        let until = now.addingTimeInterval(Double(duration.components.seconds))
        return self.rows.withLock { state in
            let due = state.byKey.values.filter { row in
                ((row.state == .queued || row.state == .retry) && row.nextAttempt <= now)
                    || (row.state == .leased && (row.leaseExpires ?? now) <= now)
            }
            // Fair across tenants: take turns; within each tenant the priority content types first, then oldest
            // contentCreated first.
            let ranks = priority.map { $0.lowercased() }
            func rank(_ row: Row) -> Int { ranks.firstIndex(of: row.notice.contentType.lowercased()) ?? ranks.count }
            let byTenant = Dictionary(grouping: due, by: \.notice.tenantId).mapValues {
                $0.sorted { (rank($0), $0.notice.contentCreated, $0.id) < (rank($1), $1.notice.contentCreated, $1.id) }
            }
            var picked: [Row] = []
            var turn = 0
            let served = self.tenantTurns.withLock { $0.served }
            while picked.count < limit {
                let round = byTenant.values.compactMap { $0.count > turn ? $0[turn] : nil }
                    .sorted { (served[$0.notice.tenantId] ?? 0, $0.notice.contentCreated, $0.id)
                        < (served[$1.notice.tenantId] ?? 0, $1.notice.contentCreated, $1.id) }
                if round.isEmpty { break }
                picked += round.prefix(limit - picked.count)
                turn += 1
            }
            self.tenantTurns.withLock { turns in
                for row in picked {
                    turns.served[row.notice.tenantId] = turns.next
                    turns.next += 1
                }
            }
            return picked.map { row in
                let key = Self.key(row.notice.tenantId, row.notice.contentId)
                state.byKey[key]!.state = .leased
                state.byKey[key]!.attempts += 1
                state.byKey[key]!.leaseExpires = until
                return LeasedBlob(id: row.id, notice: row.notice, attempt: row.attempts + 1, leaseExpiresAt: until,
                                  spoolOffset: row.spoolOffset, spoolLast: row.spoolLast)
            }
        }
    }

    private func finish(_ blob: LeasedBlob, _ change: (inout Row) -> Void) throws -> Bool {
        try self.checkWrites()
        return self.rows.withLock { state in
            let key = Self.key(blob.notice.tenantId, blob.notice.contentId)
            guard var row = state.byKey[key], row.state == .leased, row.attempts == blob.attempt else { return false }
            change(&row)
            row.leaseExpires = nil
            state.byKey[key] = row
            return true
        }
    }

    public func complete(_ blob: LeasedBlob, now: Date) async throws -> Bool { try self.finish(blob) { $0.state = .done } }

    public func fail(_ blob: LeasedBlob, error: String, retryAt: Date) async throws -> Bool {
        try self.finish(blob) { row in
            row.state = .retry
            row.nextAttempt = retryAt
            row.lastError = error
        }
    }

    public func kill(_ blob: LeasedBlob, reason: String) async throws -> Bool {
        let killed = try self.finish(blob) { row in
            row.state = .dead
            row.lastError = reason
        }
        return killed
    }

    public func expire(_ blob: LeasedBlob) async throws -> Bool {
        let expired = try self.finish(blob) { $0.state = .expired }
        return expired
    }

    public func release(_ blob: LeasedBlob) async throws {
        _ = try self.finish(blob) { row in
            row.state = .queued
            row.attempts -= 1
        }
    }

    public func recordSinkAccepted(blobId: Int64, sink: String, records: Int, now: Date) async throws {
        try self.checkWrites()
        self.rows.withLock { state in
            guard let key = state.byKey.first(where: { $0.value.id == blobId })?.key else { return }
            state.byKey[key]!.sinks.insert(sink)
        }
    }

    public func acceptedSinks(blobId: Int64) async throws -> Set<String> {
        self.rows.withLock { $0.byKey.values.first { $0.id == blobId }?.sinks ?? [] }
    }

    public func summary(now: Date) async throws -> LedgerSummary {
        self.rows.withLock { state in
            var counts: [String: BlobCount] = [:]
            for row in state.byKey.values {
                let key = "\(row.notice.tenantId)|\(row.notice.contentType)|\(row.state.rawValue)"
                counts[key, default: BlobCount(tenantId: row.notice.tenantId, contentType: row.notice.contentType,
                                               state: row.state, count: 0)].count += 1
            }
            let pending = state.byKey.values.filter { [.queued, .leased, .retry].contains($0.state) }
            let soon = now.addingTimeInterval(24 * 3600)
            var summary = LedgerSummary(counts: Array(counts.values), oldestPendingSince: pending.map(\.firstSeen).min(),
                                        expiringWithin24h: pending.filter { $0.notice.contentExpiration <= soon }.count)
            summary.pending = Dictionary(grouping: pending) { "\($0.notice.tenantId)|\($0.notice.contentType)" }.values.map { rows in
                PendingStats(tenantId: rows[0].notice.tenantId, contentType: rows[0].notice.contentType,
                             oldestSince: rows.map(\.firstSeen).min() ?? now,
                             expiringWithin24h: rows.filter { $0.notice.contentExpiration <= soon }.count)
            }.sorted { ($0.tenantId, $0.contentType) < ($1.tenantId, $1.contentType) }
            return summary
        }
    }

    public func state(tenantId: String, contentId: String) async throws -> BlobState? {
        self.rows.withLock { $0.byKey[Self.key(tenantId, contentId)]?.state }
    }

    /// How many times a blob was seen again after the first sighting (tests).
    public func seenAgain(tenantId: String, contentId: String) -> Int? {
        self.rows.withLock { $0.byKey[Self.key(tenantId, contentId)]?.seenAgain }
    }

    public func checkWritable() async throws { try self.checkWrites() }
}
