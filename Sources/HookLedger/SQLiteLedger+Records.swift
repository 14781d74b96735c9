import Foundation
import HookSQLite

/// Record claims, parse failures, lease renewal, replay and per-sink backlog (issue 6) on SQLite.
extension SQLiteLedger {
    public func claimRecords(_ ids: [String], blobId: Int64, now: Date) async throws -> [Bool] {
        guard !ids.isEmpty else { return [] }
        let nowMs = now.epochMilliseconds
        return try await self.database.write { connection in
            try connection.transaction(.immediate) {
                var seen = Set<RecordClaimKey>()
                seen.reserveCapacity(ids.count)
                return try ids.map { id in
                    let key = RecordClaimKey(id)
                    // The same Id twice in one window: the second one is a duplicate whoever owns the claim.
                    guard seen.insert(key).inserted else { return true }
                    let value = key.sqliteValue
                    // Most Ids are new: one statement for them, a lookup only for an Id already claimed.
                    try connection.run("INSERT INTO record_claims (record_id, blob_id, claimed_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING",
                                       [value, .integer(blobId), .integer(nowMs)])
                    if connection.changes == 1 { return false }
                    let owner = try connection.scalar("SELECT blob_id FROM record_claims WHERE record_id = ?", [value])?.int64
                    return owner != blobId
                }
            }
        }
    }

    public func pruneRecordClaims(before: Date) async throws -> Int {
        let cutoff = before.epochMilliseconds
        var total = 0
        // Small transactions, so a large prune never holds the write lock against the receiver for long.
        while true {
            let deleted = try await self.database.write { connection in
                try connection.transaction(.immediate) {
                    try connection.run("""
                        DELETE FROM record_claims WHERE record_id IN
                            (SELECT record_id FROM record_claims WHERE claimed_at < ? LIMIT 5000)
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
