import Foundation
import HookSQLite

/// Keeping the `blobs` table bounded: blobs forwarded long ago are deleted.
extension SQLiteLedger {
    /// The default age after which a `done` blob is deleted: the record claims' retention (9 days). A blob is
    /// then forgotten only when Microsoft can no longer serve it (content expires after 7 days) and no notice
    /// for it is plausible any more, so forgetting it cannot make it be forwarded twice.
    public static let defaultDoneRetention: TimeInterval = RecordClaimRules.defaultRetention

    /// Deletes the blobs that are `done` since before `before`, with their per-sink progress, and returns how
    /// many. Blobs in any other state (queued, leased, retry, dead, expired) are never deleted here.
    @discardableResult
    public func pruneDone(before: Date) async throws -> Int {
        let cutoff = before.epochMilliseconds
        var total = 0
        // Small transactions, so a large prune never holds the write lock against the receiver for long.
        while true {
            let deleted = try await self.database.write { connection in
                try connection.transaction(.immediate) {
                    let ids = try connection.query(
                        "SELECT id FROM blobs WHERE state = 'done' AND done_at < ? LIMIT ?",
                        [.integer(cutoff), .integer(Int64(Self.pruneChunk))]).compactMap { $0[0].intValue }
                    for id in ids {
                        try connection.run("DELETE FROM blob_sinks WHERE blob_id = ?", [.integer(id)])
                        try connection.run("DELETE FROM blobs WHERE id = ? AND state = 'done'", [.integer(id)])
                    }
                    return ids.count
                }
            }
            total += deleted
            if deleted < Self.pruneChunk { return total }
        }
    }

    /// Blobs deleted per transaction by ``pruneDone(before:)``.
    static let pruneChunk = 1_000
}
