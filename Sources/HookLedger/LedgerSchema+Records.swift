import HookSQLite

extension LedgerSchema {
    /// Migration 4: the record de-duplication claims and the per-blob parse-failure count (issue 6 §3).
    static let recordClaims = SQLiteMigration(version: 4, name: "record claims and parse failures", sql: """
        -- One row per record forwarded in the retention window: which blob claimed it first. The key leads with
        -- the record's CreationTime in minutes (`bucket`): copies of one record share it, new records land in
        -- the few newest buckets, so inserts and look-ups touch a small, hot part of the tree however large the
        -- seen-set grows (a key of the bare GUID sends every insert to a random page). Pruning deletes whole
        -- buckets, a range of the key, with no index of its own. A GUID Id is stored as its 16 bytes, any other
        -- Id as text (no declared type, so a blob never equals a text). WITHOUT ROWID: one B-tree.
        CREATE TABLE record_claims (
            bucket      INTEGER NOT NULL,
            record_id   NOT NULL,
            blob_id     INTEGER NOT NULL,
            PRIMARY KEY (bucket, record_id)
        ) WITHOUT ROWID;
        -- Releasing a dead blob's claims without scanning the table.
        CREATE INDEX record_claims_blob ON record_claims (blob_id);
        -- Counts only unparseable bodies, so a sink outage never makes a blob dead.
        ALTER TABLE blobs ADD COLUMN parse_failures INTEGER NOT NULL DEFAULT 0;
        """)

    /// Migration 5: the newest claims, appended in arrival order and merged into `record_claims` in key
    /// order (see ``RecentClaims``).
    static let recentClaims = SQLiteMigration(version: 5, name: "recent record claims", sql: """
        -- Each claim is appended to the last page, so a commit of a thousand claims writes a handful of pages
        -- instead of a thousand scattered ones. Merged into record_claims a sorted chunk at a time, then
        -- deleted up to the last merged id. The ledger hands out the ids itself, rising for as long as it
        -- runs, so a deletion (released claims) can never let a new claim take an id inside a range being
        -- merged (and no AUTOINCREMENT bookkeeping is paid per insert). The same key is never here and in
        -- record_claims with different owners.
        CREATE TABLE recent_claims (
            id          INTEGER PRIMARY KEY,
            bucket      INTEGER NOT NULL,
            record_id   NOT NULL,
            blob_id     INTEGER NOT NULL
        );
        """)
}
