import Foundation
import HookSQLite

/// Record claims, parse failures, lease renewal, replay and per-sink backlog (issue 6) on SQLite.
extension SQLiteLedger {
    public func claimRecords(_ records: [RecordClaim], blobId: Int64, now: Date) async throws -> [Bool] {
        guard !records.isEmpty else { return [] }
        return try await self.database.write { connection in
            // Not fsynced on its own: a claim lost to a power cut can only let a duplicate through, never lose
            // a record (the blob re-claims its Ids when retried), and the next notification's commit syncs it.
            try connection.relaxedTransaction {
                // Both statements once per window, not per record; keys in sorted order, so consecutive inserts
                // walk neighbouring B-tree pages.
                let insert = try connection.prepare(
                    "INSERT INTO record_claims (bucket, record_id, blob_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
                let owner = try connection.prepare("SELECT blob_id FROM record_claims WHERE bucket = ? AND record_id = ?")
                let keys = records.map { BucketedClaimKey(bucket: $0.bucket(now: now), key: RecordClaimKey($0.id)) }
                var duplicate = [Bool](repeating: false, count: keys.count)
                var seen = Set<BucketedClaimKey>()
                seen.reserveCapacity(keys.count)
                for index in keys.indices.sorted(by: { keys[$0] < keys[$1] || (keys[$0] == keys[$1] && $0 < $1) }) {
                    // The same record twice in one window: the later one is a duplicate whoever owns the claim.
                    guard seen.insert(keys[index]).inserted else {
                        duplicate[index] = true
                        continue
                    }
                    let bucket = SQLiteValue.integer(keys[index].bucket)
                    let value = keys[index].key.sqliteValue
                    // Most records are new: one statement for them, a look-up only for one already claimed.
                    try insert.bind([bucket, value, .integer(blobId)])
                    try insert.run()
                    if connection.changes == 1 { continue }
                    try owner.bind([bucket, value])
                    let claimedBy = try owner.step() ? owner.int64(at: 0) : nil
                    owner.reset()
                    duplicate[index] = claimedBy != blobId
                }
                return duplicate
            }
        }
    }

    public func pruneRecordClaims(before: Date) async throws -> Int {
        let cutoff = RecordClaim(id: "", created: before).bucket(now: before)
        var total = 0
        // Small transactions, so a large prune never holds the write lock against the receiver for long. The
        // bucket leads the key: each chunk is a range at the start of the tree.
        while true {
            let deleted = try await self.database.write { connection in
                try connection.transaction(.immediate) {
                    try connection.run("""
                        DELETE FROM record_claims WHERE (bucket, record_id) IN
                            (SELECT bucket, record_id FROM record_claims WHERE bucket < ? LIMIT 5000)
                        """, [.integer(cutoff)])
                    return connection.changes
                }
            }
            total += deleted
            if deleted < 5000 { return total }
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
        lease_expires_at = NULL, done_at = NULL, next_attempt_at = ?1
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
        try await self.database.read { connection in
            try connection.transaction(.deferred) {
                try sinks.reduce(into: [String: Int]()) { backlog, sink in
                    backlog[sink] = Int(try connection.scalar("""
                        SELECT COUNT(*) FROM blobs b WHERE b.state IN ('queued', 'leased', 'retry')
                        AND NOT EXISTS (SELECT 1 FROM blob_sinks s WHERE s.blob_id = b.id AND s.sink = ?)
                        """, [.text(sink)])?.int64 ?? 0)
                }
            }
        }
    }
}

extension RecordClaimKey {
    /// The column value: 16 bytes for a GUID, text otherwise.
    var sqliteValue: SQLiteValue {
        switch self {
        case .guid(let bytes): .blob(bytes)
        case .text(let text): .text(text)
        }
    }
}
