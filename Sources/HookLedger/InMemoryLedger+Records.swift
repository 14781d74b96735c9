import Foundation
import Synchronization

/// Record claims, parse failures, lease renewal, replay and per-sink backlog (issue 6), in memory.
extension InMemoryLedger {
    public func claimForSpool(_ records: [RecordClaim], blobId: Int64, now: Date) async throws -> [ClaimVerdict] {
        try self.checkWrites()
        let owners = self.rows.withLock { state in
            Dictionary(state.byKey.values.map { ($0.id, $0) }, uniquingKeysWith: { a, _ in a })
        }
        var claimedNew = false
        let verdicts = self.claims.withLock { claims in
            var seen = Set<BucketedClaimKey>()
            return records.map { record -> ClaimVerdict in
                let key = BucketedClaimKey(bucket: record.bucket(now: now), key: RecordClaimKey(record.id))
                guard seen.insert(key).inserted else { return .duplicate }
                if let owner = claims[key] {
                    guard owner != blobId else { return .fresh }
                    // Issue 13 §4, the rules of SQLiteLedger.commitClaims.
                    guard let row = owners[owner] else { return .fresh }
                    if row.state == .spooled || row.state == .done || !row.claimsAhead { return .duplicate }
                    return row.state == .leased ? .ownerInFlight : .fresh
                }
                claims[key] = blobId
                claimedNew = true
                return .fresh
            }
        }
        if claimedNew {
            self.rows.withLock { state in
                if let key = state.byKey.first(where: { $0.value.id == blobId })?.key { state.byKey[key]!.claimsAhead = true }
            }
        }
        return verdicts
    }

    public func pruneRecordClaims(before: Date) async throws -> Int {
        try self.checkWrites()
        let cutoff = RecordClaim(id: "", created: before).bucket(now: before)
        return self.claims.withLock { claims in
            let held = claims.count
            claims = claims.filter { $0.key.bucket >= cutoff }
            return held - claims.count
        }
    }

    /// Drops the claims of a blob that will never forward its records (dead or expired).
    func releaseClaims(blobId: Int64) {
        self.claims.withLock { claims in claims = claims.filter { $0.value != blobId } }
    }

    /// How many record claims are held (tests).
    public var claimCount: Int { self.claims.withLock { $0.count } }

    public func recordParseFailure(_ blob: LeasedBlob) async throws -> Int {
        try self.checkWrites()
        return self.rows.withLock { state in
            let key = Self.key(blob.notice.tenantId, blob.notice.contentId)
            guard state.byKey[key] != nil else { return 0 }
            state.byKey[key]!.parseFailures += 1
            return state.byKey[key]!.parseFailures
        }
    }

    public func releaseOrphanedLeases() async throws -> Int {
        try self.checkWrites()
        return self.rows.withLock { state in
            var released = 0
            for (key, row) in state.byKey where row.state == .leased {
                state.byKey[key]!.state = .queued
                state.byKey[key]!.leaseExpires = nil
                state.byKey[key]!.nextAttempt = .distantPast
                released += 1
            }
            return released
        }
    }

    public func renewLease(_ blob: LeasedBlob, until: Date) async throws -> Bool {
        try self.checkWrites()
        return self.rows.withLock { state in
            let key = Self.key(blob.notice.tenantId, blob.notice.contentId)
            guard let row = state.byKey[key], row.state == .leased, row.attempts == blob.attempt else { return false }
            state.byKey[key]!.leaseExpires = until
            return true
        }
    }

    public func replayDead(now: Date) async throws -> Int {
        try self.checkWrites()
        return self.rows.withLock { state in
            let keys = state.byKey.filter { $0.value.state == .dead }.map(\.key)
            for key in keys { Self.requeue(&state.byKey[key]!, now: now, forgetSinks: false) }
            return keys.count
        }
    }

    public func replay(tenantId: String?, contentId: String, now: Date) async throws -> Int {
        try self.checkWrites()
        let tenant = tenantId?.lowercased()
        return self.rows.withLock { state in
            let keys = state.byKey.filter { _, row in
                row.notice.contentId == contentId && row.state != .leased && (tenant == nil || row.notice.tenantId == tenant)
            }.map(\.key)
            for key in keys { Self.requeue(&state.byKey[key]!, now: now, forgetSinks: true) }
            return keys.count
        }
    }

    private static func requeue(_ row: inout Row, now: Date, forgetSinks: Bool) {
        row.state = .queued
        row.attempts = 0
        row.parseFailures = 0
        row.lastError = nil
        row.leaseExpires = nil
        row.nextAttempt = now
        row.spoolOffset = 0
        row.spoolLast = nil
        if forgetSinks { row.sinks = [] }
    }

    public func sinkBacklog(sinks: [String]) async throws -> [String: Int] {
        self.rows.withLock { state in
            let pending = state.byKey.values.filter { [.queued, .leased, .retry, .spooled].contains($0.state) }
            return Dictionary(uniqueKeysWithValues: sinks.map { sink in (sink, pending.filter { !$0.sinks.contains(sink) }.count) })
        }
    }

    public func failureReason(tenantId: String, contentId: String) async throws -> String? {
        self.rows.withLock { $0.byKey[Self.key(tenantId, contentId)]?.lastError }
    }
}
