import Foundation
import HookSQLite

extension SQLiteLedger: BackfillJobStore {
    public func addBackfillJob(_ request: BackfillRequest, now: Date) async throws -> Int64 {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                try connection.run("""
                    INSERT INTO backfill_jobs (since, until, tenant_id, content_type, created_at) VALUES (?, ?, ?, ?, ?)
                    """, [.integer(request.since.epochMilliseconds), request.until.map { .integer($0.epochMilliseconds) } ?? .null,
                          request.tenantId.map { .text($0) } ?? .null, request.contentType.map { .text($0) } ?? .null,
                          .integer(now.epochMilliseconds)])
                return try connection.scalar("SELECT last_insert_rowid()")?.int64 ?? 0
            }
        }
    }

    public func claimBackfillJob(now: Date) async throws -> BackfillJob? {
        let id: Int64? = try await self.database.write { connection in
            try connection.transaction(.immediate) {
                guard let id = try connection.scalar("SELECT min(id) FROM backfill_jobs WHERE state = 'queued'")?.int64 else { return nil }
                try connection.run("UPDATE backfill_jobs SET state = 'running', started_at = ? WHERE id = ?",
                                   [.integer(now.epochMilliseconds), .integer(id)])
                return id
            }
        }
        guard let id else { return nil }
        return try await self.backfillJob(id: id)
    }

    public func setBackfillWindows(jobId: Int64, total: Int) async throws {
        try await self.database.write { connection in
            try connection.run("UPDATE backfill_jobs SET windows_total = ? WHERE id = ?", [.integer(Int64(total)), .integer(jobId)])
        }
    }

    public func addBackfillWindow(jobId: Int64, tenantId: String, contentIds: [String]) async throws {
        let tenant = tenantId.lowercased()
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                try connection.run("UPDATE backfill_jobs SET windows_listed = windows_listed + 1 WHERE id = ?", [.integer(jobId)])
                let insert = try connection.prepare("INSERT OR IGNORE INTO backfill_job_blobs (job_id, tenant_id, content_id) VALUES (?, ?, ?)")
                for id in contentIds {
                    insert.reset()
                    try insert.bind([.integer(jobId), .text(tenant), .text(id)])
                    while try insert.step() {}
                }
            }
        }
    }

    public func finishBackfillJob(jobId: Int64, error: String?, now: Date) async throws {
        try await self.database.write { connection in
            try connection.run("UPDATE backfill_jobs SET state = ?, error = ?, finished_at = ? WHERE id = ?",
                               [.text(error == nil ? "listed" : "failed"), error.map { .text($0) } ?? .null,
                                .integer(now.epochMilliseconds), .integer(jobId)])
        }
    }

    public func requeueRunningBackfillJobs() async throws -> Int {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                let running = try connection.query("SELECT id FROM backfill_jobs WHERE state = 'running'").compactMap { $0[0].int64 }
                for id in running {
                    try connection.run("DELETE FROM backfill_job_blobs WHERE job_id = ?", [.integer(id)])
                    try connection.run("""
                        UPDATE backfill_jobs SET state = 'queued', windows_listed = 0, windows_total = 0, started_at = NULL WHERE id = ?
                        """, [.integer(id)])
                }
                return running.count
            }
        }
    }

    public func backfillJob(id: Int64) async throws -> BackfillJob? {
        try await self.readJobs("WHERE j.id = ?", [.integer(id)]).first
    }

    public func backfillJobs(limit: Int) async throws -> [BackfillJob] {
        try await self.readJobs("", [], limit: limit)
    }

    /// Jobs with their blob counts: a blob no longer in `blobs` was pruned after it was done.
    private func readJobs(_ filter: String, _ binds: [SQLiteValue], limit: Int = 1) async throws -> [BackfillJob] {
        try await self.database.read { connection in
            try connection.query("""
                SELECT j.id, j.since, j.until, j.tenant_id, j.content_type, j.state, j.created_at, j.windows_total,
                       j.windows_listed, j.error,
                       (SELECT count(*) FROM backfill_job_blobs f WHERE f.job_id = j.id),
                       (SELECT count(*) FROM backfill_job_blobs f LEFT JOIN blobs b
                          ON b.tenant_id = f.tenant_id AND b.content_id = f.content_id
                        WHERE f.job_id = j.id AND (b.state IS NULL OR b.state = 'done')),
                       (SELECT count(*) FROM backfill_job_blobs f LEFT JOIN blobs b
                          ON b.tenant_id = f.tenant_id AND b.content_id = f.content_id
                        WHERE f.job_id = j.id AND (b.state IS NULL OR b.state IN ('done', 'dead', 'expired')))
                FROM backfill_jobs j \(filter) ORDER BY j.id DESC LIMIT ?
                """, binds + [.integer(Int64(max(0, limit)))]).map { row in
                BackfillJob(
                    id: row[0].int64 ?? 0,
                    request: BackfillRequest(since: Date(epochMilliseconds: row[1].int64 ?? 0),
                                             until: row[2].int64.map(Date.init(epochMilliseconds:)),
                                             tenantId: row[3].text, contentType: row[4].text),
                    state: BackfillJobState(rawValue: row[5].text ?? "") ?? .failed,
                    createdAt: Date(epochMilliseconds: row[6].int64 ?? 0),
                    windowsTotal: Int(row[7].int64 ?? 0), windowsListed: Int(row[8].int64 ?? 0),
                    blobsFound: Int(row[10].int64 ?? 0), blobsForwarded: Int(row[11].int64 ?? 0),
                    blobsFinished: Int(row[12].int64 ?? 0), error: row[9].text)
            }
        }
    }
}
