import HookSQLite

extension LedgerSchema {
    /// Migration 4: the record de-duplication claims and the per-blob parse-failure count (issue 6 §3).
    static let recordClaims = SQLiteMigration(version: 4, name: "record claims and parse failures", sql: """
        -- One row per record Id forwarded in the last 7 days (plus a margin): which blob claimed it first.
        -- A GUID Id is stored as its 16 bytes, any other Id as text; the column has no declared type, so
        -- SQLite keeps each value as given and a blob never equals a text. WITHOUT ROWID: the Id is the key,
        -- so the table is one B-tree instead of a table plus an index.
        CREATE TABLE record_claims (
            record_id   NOT NULL PRIMARY KEY,
            blob_id     INTEGER NOT NULL,
            claimed_at  INTEGER NOT NULL
        ) WITHOUT ROWID;
        -- Pruning by age, and releasing a dead blob's claims, without scanning the table.
        CREATE INDEX record_claims_age ON record_claims (claimed_at);
        CREATE INDEX record_claims_blob ON record_claims (blob_id);
        -- Counts only unparseable bodies, so a sink outage never makes a blob dead.
        ALTER TABLE blobs ADD COLUMN parse_failures INTEGER NOT NULL DEFAULT 0;
        """)
}
