import Foundation
import HookSQLite

/// Leasing and finishing blobs: the workers' side of the ledger.
extension SQLiteLedger {
    public func lease(limit: Int, for duration: Duration, now: Date, priority: [String]) async throws -> [LeasedBlob] {
        let nowMs = now.epochMilliseconds
        let until = nowMs + Int64(duration.components.seconds) * 1000 + Int64(duration.components.attoseconds / 1_000_000_000_000_000)
        return try await self.database.write { connection in
            try connection.transaction(.immediate) {
                // Due: queued, retry whose time has come, or leased with an expired lease (a crashed worker);
            // for leased rows next_attempt_at holds the lease expiry.
                // Fair: ROW_NUMBER per tenant interleaves tenants; within a tenant, the priority content types
                // first (issue 13 §3), then oldest contentCreated first.
                let ranks = priority.prefix(16).enumerated().map { "WHEN '\($0.element.lowercased().filter { $0.isLetter || $0.isNumber || $0 == "." })' THEN \($0.offset)" }
                let rank = ranks.isEmpty ? "0" : "CASE lower(content_type) \(ranks.joined(separator: " ")) ELSE \(ranks.count) END"
                let rows = try connection.query("""
                    SELECT id, tenant_id, client_id, content_type, content_id, content_uri, content_created,
                           content_expiration, attempts, spool_offset, spool_last
                    FROM (SELECT *, ROW_NUMBER() OVER (PARTITION BY tenant_id ORDER BY \(rank), content_created, id) AS turn
                          FROM blobs
                          WHERE state IN ('queued', 'retry', 'leased') AND next_attempt_at <= ?1)
                    LEFT JOIN tenant_turns USING (tenant_id)
                    ORDER BY turn, coalesce(tenant_turns.served, 0), content_created, id
                    LIMIT ?2
                    """, [.integer(nowMs), .integer(Int64(max(0, limit)))])
                // The tenants just served go to the back of the line: with one free worker at a time, a tenant
                // with a large backlog and older blobs still alternates with the others (issue 13 §3).
                var seen = Set<String>()
                for tenant in rows.compactMap({ $0[1].textValue }) where seen.insert(tenant).inserted {
                    try connection.run("""
                        INSERT INTO tenant_turns (tenant_id, served) VALUES (?1, (SELECT coalesce(max(served), 0) + 1 FROM tenant_turns))
                        ON CONFLICT (tenant_id) DO UPDATE SET served = excluded.served
                        """, [.text(tenant)])
                }
                return try rows.map { row in
                    let id = row[0].intValue ?? 0
                    let attempt = Int(row[8].intValue ?? 0) + 1
                    try connection.run(
                        "UPDATE blobs SET state = 'leased', attempts = ?1, lease_expires_at = ?2, next_attempt_at = ?2 WHERE id = ?3",
                        [.integer(Int64(attempt)), .integer(until), .integer(id)])
                    let notice = BlobNotice(
                        tenantId: row[1].textValue ?? "", clientId: row[2].textValue, contentType: row[3].textValue ?? "",
                        contentId: row[4].textValue ?? "", contentUri: row[5].textValue ?? "",
                        contentCreated: Date(epochMilliseconds: row[6].intValue ?? 0),
                        contentExpiration: Date(epochMilliseconds: row[7].intValue ?? 0))
                    return LeasedBlob(id: id, notice: notice, attempt: attempt, leaseExpiresAt: Date(epochMilliseconds: until),
                                      spoolOffset: Int(row[9].intValue ?? 0), spoolLast: row[10].intValue.map { UInt64(bitPattern: $0) })
                }
            }
        }
    }

    public func complete(_ blob: LeasedBlob, now: Date) async throws -> Bool {
        try await self.finish(blob, "state = 'done', done_at = ?, lease_expires_at = NULL", [.integer(now.epochMilliseconds)])
    }

    public func fail(_ blob: LeasedBlob, error: String, retryAt: Date) async throws -> Bool {
        try await self.finish(blob, "state = 'retry', next_attempt_at = ?, last_error = ?, lease_expires_at = NULL",
                              [.integer(retryAt.epochMilliseconds), .text(String(error.prefix(2000)))])
    }

    public func kill(_ blob: LeasedBlob, reason: String) async throws -> Bool {
        // Its claims stay (issue 13 §4): those of records it spooled keep suppressing copies, and with claims
        // ahead of its spool progress it suppresses nothing anyway (claimForSpool).
        try await self.finish(blob, "state = 'dead', dead_reason = ?, lease_expires_at = NULL", [.text(String(reason.prefix(2000)))])
    }

    public func expire(_ blob: LeasedBlob) async throws -> Bool {
        try await self.finish(blob, "state = 'expired', lease_expires_at = NULL", [])
    }

    public func release(_ blob: LeasedBlob) async throws {
        // Giving the attempt back keeps a shutdown from counting against the blob's retry budget.
        _ = try await self.finish(blob, "state = 'queued', attempts = attempts - 1, lease_expires_at = NULL, next_attempt_at = 0", [])
    }

    /// Applies `assignments` only while the caller still holds the lease (same attempt, still leased).
    /// With `releasingClaims`, a blob that will never forward its records also gives up its record claims,
    /// so a later blob holding the same record still delivers it.
    private func finish(_ blob: LeasedBlob, _ assignments: String, _ values: [SQLiteValue],
                        releasingClaims: Bool = false) async throws -> Bool {
        let recent = self.recent
        return try await self.database.write { connection in
            let finished = try connection.transaction(.immediate) {
                try connection.run(
                    "UPDATE blobs SET \(assignments) WHERE id = ? AND state = 'leased' AND attempts = ?",
                    values + [.integer(blob.id), .integer(Int64(blob.attempt))])
                guard connection.changes == 1 else { return false }
                if releasingClaims {
                    try connection.run("DELETE FROM record_claims WHERE blob_id = ?", [.integer(blob.id)])
                    try connection.run("DELETE FROM recent_claims WHERE blob_id = ?", [.integer(blob.id)])
                }
                return true
            }
            if finished && releasingClaims { recent.release(blobId: blob.id) }
            return finished
        }
    }

    public func recordSinkAccepted(blobId: Int64, sink: String, records: Int, now: Date) async throws {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                try connection.run("""
                    INSERT INTO blob_sinks (blob_id, sink, records, accepted_at) VALUES (?, ?, ?, ?)
                    ON CONFLICT (blob_id, sink) DO UPDATE SET records = excluded.records, accepted_at = excluded.accepted_at
                    """, [.integer(blobId), .text(sink), .integer(Int64(records)), .integer(now.epochMilliseconds)])
            }
        }
    }

    public func acceptedSinks(blobId: Int64) async throws -> Set<String> {
        try await self.database.read { connection in
            Set(try connection.query("SELECT sink FROM blob_sinks WHERE blob_id = ?", [.integer(blobId)]).compactMap { $0[0].textValue })
        }
    }

    public func summary(now: Date) async throws -> LedgerSummary {
        let soon = now.addingTimeInterval(24 * 3600).epochMilliseconds
        return try await self.summaryDatabase.read { connection in
            try connection.transaction(.deferred) {
                let counts = try connection.query(
                    "SELECT tenant_id, content_type, state, COUNT(*) FROM blobs GROUP BY tenant_id, content_type, state", []
                ).compactMap { row -> BlobCount? in
                    guard let state = row[2].textValue.flatMap(BlobState.init(rawValue:)) else { return nil }
                    return BlobCount(tenantId: row[0].textValue ?? "", contentType: row[1].textValue ?? "", state: state,
                                     count: Int(row[3].intValue ?? 0))
                }
                let oldest = try connection.query(
                    "SELECT MIN(first_seen_at) FROM blobs WHERE state IN ('queued', 'leased', 'retry')", []
                ).first?[0].intValue
                let expiring = try connection.query(
                    "SELECT COUNT(*) FROM blobs WHERE state IN ('queued', 'leased', 'retry') AND content_expiration <= ?",
                    [.integer(soon)]).first?[0].intValue ?? 0
                var summary = LedgerSummary(counts: counts, oldestPendingSince: oldest.map { Date(epochMilliseconds: $0) },
                                            expiringWithin24h: Int(expiring))
                summary.pending = try connection.query("""
                    SELECT tenant_id, content_type, MIN(first_seen_at), SUM(content_expiration <= ?)
                    FROM blobs WHERE state IN ('queued', 'leased', 'retry')
                    GROUP BY tenant_id, content_type ORDER BY tenant_id, content_type
                    """, [.integer(soon)]).map { row in
                    PendingStats(tenantId: row[0].textValue ?? "", contentType: row[1].textValue ?? "",
                                 oldestSince: Date(epochMilliseconds: row[2].intValue ?? 0), expiringWithin24h: Int(row[3].intValue ?? 0))
                }
                return summary
            }
        }
    }
}
