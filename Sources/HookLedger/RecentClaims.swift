import HookRecords
import HookSQLite

/// The newest record claims: held in memory and appended to `recent_claims`, then merged into
/// `record_claims` in key order, one chunk per claims commit (a two-level log-structured merge).
///
/// Why: a claim inserted straight into `record_claims` lands on a random page of its minute, so at full
/// speed every record cost a 4 KB page in the WAL and forwarding stopped at about 60,000 records/s.
/// Appended claims fill pages in order, and a merge writes each page of `record_claims` once per run
/// of ``ClaimMergeSettings/mergeThreshold`` claims instead of once per record.
///
/// Correctness (a false duplicate would lose a record):
/// - Every claim is in exactly one of `live` (its row in `recent_claims`), the unmerged tail of `frozen`
///   (its row at or below `frozenUpTo`), or `record_claims`; a key is only added when none holds it, and
///   the owner in memory is always the owner on disk.
/// - Memory changes only after the transaction that made the same change on disk has committed
///   (``Change`` is planned inside the transaction and applied after it), so a rolled-back commit leaves
///   memory and file agreeing.
/// - After a restart the rows of `recent_claims` are loaded as `live`, except those a merge cut short had
///   already copied (same key, same owner in `record_claims`), which are deleted (``loadIfNeeded(_:)``).
final class RecentClaims: @unchecked Sendable {
    // Invariant: used only by jobs on the ledger's database thread, which SQLiteDatabase runs one at a
    // time, so no two threads ever touch the state below at once.

    let settings: ClaimMergeSettings
    private var loaded = false
    private var live: [BucketedClaimKey: Int64] = [:]
    /// Claims being merged, in key order; `frozen[..<next]` are already in `record_claims`.
    private var frozen: [(key: BucketedClaimKey, owner: Int64)] = []
    private var next = 0
    /// The last `recent_claims` id that belongs to `frozen`; 0 when no merge runs.
    private var frozenUpTo: Int64 = 0
    /// The id of the next claim appended: only rises while the process runs (see the table's comment).
    private(set) var nextId: Int64 = 1

    init(settings: ClaimMergeSettings) { self.settings = settings }

    /// Claims held in memory (live and not yet merged).
    var count: Int { self.live.count + self.frozen.count - self.next }

    /// Reads `recent_claims` into memory on first use (a CLI process that never claims never pays for it).
    ///
    /// A merge cut short (a crash, a stop) leaves rows in `recent_claims` that are in `record_claims` too:
    /// they are deleted here, so every claim is in exactly one place again.
    func loadIfNeeded(_ connection: SQLiteConnection) throws {
        guard !self.loaded else { return }
        let rows = try connection.transaction(.immediate) {
            let merged = try connection.prepare("SELECT 1 FROM record_claims WHERE bucket = ? AND record_id = ?")
            var rows: [(BucketedClaimKey, Int64)] = []
            for row in try connection.query("SELECT id, bucket, record_id, blob_id FROM recent_claims") {
                guard let id = row[0].int64, let bucket = row[1].int64, let key = RecordClaimKey(row[2]),
                      let owner = row[3].int64 else {
                    throw LedgerError("recent_claims holds a row that is not a claim", isTransient: false)
                }
                try merged.bind([.integer(bucket), row[2]])
                let copied = try merged.step()
                merged.reset()
                if copied {
                    try connection.run("DELETE FROM recent_claims WHERE id = ?", [.integer(id)])
                } else {
                    rows.append((BucketedClaimKey(bucket: bucket, key: key), owner))
                }
            }
            return rows
        }
        self.live = Dictionary(rows, uniquingKeysWith: { first, _ in first })
        self.nextId = (try connection.scalar("SELECT max(id) FROM recent_claims")?.int64 ?? 0) + 1
        self.loaded = true
    }

    /// The blob that claimed `key` among the recent claims, or nil when `record_claims` must be asked.
    func owner(of key: BucketedClaimKey) -> Int64? {
        if let owner = self.live[key] { return owner }
        var low = self.next
        var high = self.frozen.count
        while low < high {
            let middle = (low + high) / 2
            if self.frozen[middle].key < key { low = middle + 1 } else { high = middle }
        }
        return low < self.frozen.count && self.frozen[low].key == key ? self.frozen[low].owner : nil
    }

    /// What one claims commit did, to apply once it has committed.
    struct Change {
        var added: [BucketedClaimKey: Int64] = [:]
        /// The id for the next appended claim (the commit appends with ids from ``nextId`` on).
        var nextId: Int64
        var mergedTo: Int?
        var mergeFinished = false
        /// Set when `live` (with `added`) is frozen for the next merge: the last id it covers.
        var freezeUpTo: Int64?
    }

    /// Inside the claims transaction, after the claims: merges the next chunk of `frozen`, or plans to
    /// freeze `live` once it reaches the threshold.
    func planMerge(_ change: inout Change, _ connection: SQLiteConnection) throws {
        if self.frozenUpTo > 0 {
            // At least as many as this commit added: the merge keeps pace with new claims, so the frozen run is
            // gone before `live` reaches the threshold again, and each commit's extra work is in proportion to
            // its own (a webhook commit queued behind it waits milliseconds, not a whole merge).
            let end = min(self.frozen.count, self.next + max(self.settings.chunk, change.added.count))
            let insert = try connection.prepare(
                "INSERT INTO record_claims (bucket, record_id, blob_id) VALUES (?, ?, ?) ON CONFLICT DO NOTHING")
            for (key, owner) in self.frozen[self.next..<end] {
                try insert.bind([.integer(key.bucket), key.key.sqliteValue, .integer(owner)])
                try insert.run()
            }
            change.mergedTo = end
            if end == self.frozen.count {
                // Ids only rise while the process runs (``nextId``), so this range holds only frozen rows.
                try connection.run("DELETE FROM recent_claims WHERE id <= ?", [.integer(self.frozenUpTo)])
                change.mergeFinished = true
            }
        } else if self.live.count + change.added.count >= self.settings.mergeThreshold {
            change.freezeUpTo = change.nextId - 1
        }
    }

    /// After the claims transaction committed: memory follows the file.
    func apply(_ change: Change) {
        for (key, owner) in change.added { self.live[key] = owner }
        self.nextId = change.nextId
        if let mergedTo = change.mergedTo { self.next = mergedTo }
        if change.mergeFinished {
            self.frozen = []
            self.next = 0
            self.frozenUpTo = 0
        }
        if let upTo = change.freezeUpTo, upTo > 0 {
            // Sorted in place: one array beside the dictionary at the peak, not two.
            var frozen = self.live.map { (key: $0.key, owner: $0.value) }
            self.live = [:]
            frozen.sort { $0.key < $1.key }
            self.frozen = frozen
            self.next = 0
            self.frozenUpTo = upTo
        }
    }

    /// After a committed transaction deleted `blobId`'s claims from both tables.
    func release(blobId: Int64) {
        guard self.loaded else { return }
        self.live = self.live.filter { $0.value != blobId }
        self.dropUnmerged { $0.owner == blobId }
    }

    /// After a committed transaction deleted the claims of buckets before `bucket` from both tables.
    func prune(before bucket: Int64) {
        guard self.loaded else { return }
        self.live = self.live.filter { $0.key.bucket >= bucket }
        self.dropUnmerged { $0.key.bucket < bucket }
    }

    private func dropUnmerged(where drop: ((key: BucketedClaimKey, owner: Int64)) -> Bool) {
        guard self.next < self.frozen.count else { return }
        // Still merging, even if nothing is left: the next commit deletes the merged rows up to frozenUpTo.
        self.frozen = self.frozen[self.next...].filter { !drop($0) }
        self.next = 0
    }
}

/// When the ledger merges its recent record claims (``RecentClaims``).
public struct ClaimMergeSettings: Sendable {
    /// Claims held before they are frozen and merged into `record_claims`.
    public var mergeThreshold: Int
    /// Claims merged per claims commit while a merge runs (more when the commit added more).
    public var chunk: Int

    /// The defaults keep at most about two runs of 32,768 claims in memory (about 4 MB at the peak).
    public init(mergeThreshold: Int = 32_768, chunk: Int = 2_048) {
        self.mergeThreshold = max(1, mergeThreshold)
        self.chunk = max(1, chunk)
    }
}
