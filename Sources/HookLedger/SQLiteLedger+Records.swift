import Foundation
import HookRecords
import HookSQLite

/// Record claims, parse failures, lease renewal, replay and per-sink backlog (issue 6) on SQLite.
extension SQLiteLedger {
    public func claimForSpool(_ records: [RecordClaim], blobId: Int64, now: Date) async throws -> [ClaimVerdict] {
        guard !records.isEmpty else { return [] }
        return try await self.claimer.submit([ClaimRequest(claims: records, blobId: blobId, now: now)])
    }

    /// One window's claims, as the claims' group commit carries them.
    struct ClaimRequest: Sendable {
        let claims: [RecordClaim]
        let blobId: Int64
        let now: Date
    }

    /// The claims of every window waiting (one per busy worker) in one transaction: fewer, larger commits,
    /// and since a claim key lands on a random page of its minute, more of a commit's inserts share a page.
    ///
    /// Not fsynced on its own (`relaxedTransaction`): a claim lost to a power cut can only let a duplicate
    /// through, never lose a record (the blob re-claims its Ids when retried), and the next synced commit
    /// (a notification, a blob's sink acceptance) makes it durable before anything depends on it.
    static func commitClaims(_ batches: [GroupCommit<ClaimRequest, [ClaimVerdict]>.Batch], _ connection: SQLiteConnection,
                             _ recent: RecentClaims) throws -> [[ClaimVerdict]] {
        try recent.loadIfNeeded(connection)
        var change = RecentClaims.Change(nextId: recent.nextId)
        let answers = try connection.relaxedTransaction {
            // The statements once per group, not per record.
            let append = try connection.prepare("INSERT INTO recent_claims (id, bucket, record_id, blob_id) VALUES (?, ?, ?, ?)")
            let owner = try connection.prepare("SELECT blob_id FROM record_claims WHERE bucket = ? AND record_id = ?")
            let ownerState = try connection.prepare("SELECT state, claims_ahead FROM blobs WHERE id = ?")
            // Issue 13 §4: another blob's claim suppresses a copy only when that blob's copy is durably in the
            // spool, so no record is ever dropped for a copy that never reached it (see Ledger.claimForSpool).
            var owners: [Int64: ClaimVerdict] = [:]
            func verdict(owner blob: Int64) throws -> ClaimVerdict {
                if let known = owners[blob] { return known }
                try ownerState.bind([.integer(blob)])
                var answer = ClaimVerdict.fresh
                if try ownerState.step() {
                    let state = ownerState.text(at: 0)
                    let ahead = ownerState.int64(at: 1) != 0
                    if state == BlobState.spooled.rawValue || state == BlobState.done.rawValue || !ahead {
                        answer = .duplicate
                    } else if state == BlobState.leased.rawValue {
                        answer = .ownerInFlight
                    }
                }
                ownerState.reset()
                owners[blob] = answer
                return answer
            }
            let ahead = try connection.prepare("UPDATE blobs SET claims_ahead = 1 WHERE id = ? AND claims_ahead = 0")
            var claimedAhead = Set<Int64>()
            let requests = batches.flatMap(\.items)
            var entries: [(key: BucketedClaimKey, request: Int, index: Int)] = []
            entries.reserveCapacity(requests.reduce(0) { $0 + $1.claims.count })
            for (number, request) in requests.enumerated() {
                for (index, claim) in request.claims.enumerated() {
                    entries.append((BucketedClaimKey(bucket: claim.bucket(now: request.now), key: RecordClaimKey(claim.id)), number, index))
                }
            }
            // Keys in sorted order, so the look-ups in record_claims walk neighbouring B-tree pages.
            entries.sort { ($0.key, $0.request, $0.index) < ($1.key, $1.request, $1.index) }
            var duplicate = requests.map { [ClaimVerdict](repeating: .fresh, count: $0.claims.count) }
            for (position, entry) in entries.enumerated() {
                // The same record twice in one window: the later one is a duplicate whoever owns the claim.
                if position > 0, entries[position - 1].key == entry.key, entries[position - 1].request == entry.request {
                    duplicate[entry.request][entry.index] = .duplicate
                    continue
                }
                let blobId = requests[entry.request].blobId
                // The owner: claimed earlier in this group, a recent claim, or one already merged.
                var claimedBy = change.added[entry.key] ?? recent.owner(of: entry.key)
                if claimedBy == nil {
                    let value = entry.key.key.sqliteValue
                    try owner.bind([.integer(entry.key.bucket), value])
                    claimedBy = try owner.step() ? owner.int64(at: 0) : nil
                    owner.reset()
                    if claimedBy == nil {
                        // New everywhere: this blob claims it.
                        try append.bind([.integer(change.nextId), .integer(entry.key.bucket), value, .integer(blobId)])
                        try append.run()
                        change.added[entry.key] = blobId
                        change.nextId += 1
                        if claimedAhead.insert(blobId).inserted {
                            try ahead.bind([.integer(blobId)])
                            try ahead.run()
                        }
                        // Its claims are ahead of its spool now, older ones included (conservative: ask again).
                        owners[blobId] = .ownerInFlight
                        continue
                    }
                }
                if let claimedBy, claimedBy != blobId { duplicate[entry.request][entry.index] = try verdict(owner: claimedBy) }
            }
            try recent.planMerge(&change, connection)
            // Each caller's answer: its requests' verdicts, in order (`claimForSpool` submits one per call).
            var next = 0
            return batches.map { batch in
                defer { next += batch.items.count }
                return duplicate[next..<next + batch.items.count].flatMap { $0 }
            }
        }
        recent.apply(change)
        return answers
    }

    public func pruneRecordClaims(before: Date) async throws -> Int {
        let cutoff = RecordClaim(id: "", created: before).bucket(now: before)
        var total = 0
        // Small transactions, so a large prune never holds the write lock against the receiver for long. The
        // bucket leads the key: each chunk is a range at the start of the tree.
        let recent = self.recent
        while true {
            let (deleted, more) = try await self.database.write { connection in
                try recent.loadIfNeeded(connection)
                let held = recent.count
                let merged = try connection.transaction(.immediate) {
                    try connection.run("""
                        DELETE FROM record_claims WHERE (bucket, record_id) IN
                            (SELECT bucket, record_id FROM record_claims WHERE bucket < ? LIMIT 5000)
                        """, [.integer(cutoff)])
                    let merged = connection.changes
                    // The recent claims are few (at most about two merge runs): one statement. Its count would
                    // include rows a running merge has already copied, so the claims in memory are counted.
                    try connection.run("DELETE FROM recent_claims WHERE bucket < ?", [.integer(cutoff)])
                    return merged
                }
                recent.prune(before: cutoff)
                return (merged + held - recent.count, merged == 5000)
            }
            total += deleted
            if !more { return total }
        }
    }

    public func recordParseFailure(_ blob: LeasedBlob) async throws -> Int {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                try connection.run("UPDATE blobs SET parse_failures = parse_failures + 1 WHERE id = ?", [.integer(blob.id)])
                return Int(try connection.scalar("SELECT parse_failures FROM blobs WHERE id = ?", [.integer(blob.id)])?.int64 ?? 0)
            }
        }
    }

    public func releaseOrphanedLeases() async throws -> Int {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                // The crashed attempt keeps its count: it did run, and may have failed for a reason of the blob's own.
                try connection.run("UPDATE blobs SET state = 'queued', lease_expires_at = NULL, next_attempt_at = 0 WHERE state = 'leased'", [])
                return connection.changes
            }
        }
    }

    public func renewLease(_ blob: LeasedBlob, until: Date) async throws -> Bool {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                // A leased row's next_attempt_at is its lease expiry (see lease), so both move together.
                try connection.run("""
                    UPDATE blobs SET lease_expires_at = ?1, next_attempt_at = ?1
                    WHERE id = ?2 AND state = 'leased' AND attempts = ?3
                    """, [.integer(until.epochMilliseconds), .integer(blob.id), .integer(Int64(blob.attempt))])
                return connection.changes == 1
            }
        }
    }

    static let requeueAssignments = """
        state = 'queued', attempts = 0, parse_failures = 0, last_error = NULL, dead_reason = NULL,
        lease_expires_at = NULL, done_at = NULL, next_attempt_at = ?1, spool_offset = 0, spool_last = NULL
        """

    public func replayDead(now: Date) async throws -> Int {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                try connection.run("UPDATE blobs SET \(Self.requeueAssignments) WHERE state = 'dead'", [.integer(now.epochMilliseconds)])
                return connection.changes
            }
        }
    }

    public func replay(tenantId: String?, contentId: String, now: Date) async throws -> Int {
        let tenant = tenantId?.lowercased()
        return try await self.database.write { connection in
            try connection.transaction(.immediate) {
                let ids = try connection.query(
                    "SELECT id FROM blobs WHERE content_id = ?1 AND (?2 IS NULL OR tenant_id = ?2) AND state <> 'leased'",
                    [.text(contentId), tenant.map { .text($0) } ?? .null]).compactMap { $0[0].int64 }
                for id in ids {
                    try connection.run("UPDATE blobs SET \(Self.requeueAssignments) WHERE id = ?2",
                                       [.integer(now.epochMilliseconds), .integer(id)])
                    // Delivered again to every sink: its own claims stay, so the records are not duplicates.
                    try connection.run("DELETE FROM blob_sinks WHERE blob_id = ?", [.integer(id)])
                }
                return ids.count
            }
        }
    }

    public func failureReason(tenantId: String, contentId: String) async throws -> String? {
        let tenant = tenantId.lowercased()
        return try await self.database.read { connection in
            try connection.scalar("SELECT coalesce(dead_reason, last_error) FROM blobs WHERE tenant_id = ? AND content_id = ?",
                                  [.text(tenant), .text(contentId)])?.textValue
        }
    }

    public func sinkBacklog(sinks: [String]) async throws -> [String: Int] {
        try await self.summaryDatabase.read { connection in
            try connection.transaction(.deferred) {
                try sinks.reduce(into: [String: Int]()) { backlog, sink in
                    backlog[sink] = Int(try connection.scalar("""
                        SELECT COUNT(*) FROM blobs b WHERE b.state IN ('queued', 'leased', 'retry', 'spooled')
                        AND NOT EXISTS (SELECT 1 FROM blob_sinks s WHERE s.blob_id = b.id AND s.sink = ?)
                        """, [.text(sink)])?.int64 ?? 0)
                }
            }
        }
    }
}

extension RecordClaimKey {
    /// The key a column value holds, nil for a value that is neither 16 bytes nor text.
    init?(_ value: SQLiteValue) {
        switch value {
        case .blob(let bytes): guard let guid = RecordGUID(bytes: bytes) else { return nil }; self = .guid(guid)
        case .text(let text): self = .text(text)
        default: return nil
        }
    }

    /// The column value: 16 bytes for a GUID, text otherwise.
    var sqliteValue: SQLiteValue {
        switch self {
        case .guid(let guid): .blob(guid.bytes)
        case .text(let text): .text(text)
        }
    }
}
