import HookSQLite

extension LedgerSchema {
    /// Migration 7: how far each blob is in the spool, one cursor per sink, and the tenants' turns at leasing
    /// (issue 13, docs/spool.md).
    static let spoolAndCursors = SQLiteMigration(version: 7, name: "spool progress and sink cursors", sql: """
        -- Byte offset in the blob's content before which every record is durable in the spool (an attempt
        -- after a crash skips those), and the spool sequence of the blob's last entry once it is spooled.
        ALTER TABLE blobs ADD COLUMN spool_offset INTEGER NOT NULL DEFAULT 0;
        ALTER TABLE blobs ADD COLUMN spool_last INTEGER;
        -- 1 while the blob has claimed records of a window that is not yet recorded as spooled: its claims
        -- then suppress nobody's copies (a false duplicate would be a lost record).
        ALTER TABLE blobs ADD COLUMN claims_ahead INTEGER NOT NULL DEFAULT 0;
        -- The spooled blobs waiting for sinks, in spool order: a cursor's advance walks a prefix of it.
        CREATE INDEX blobs_spooled ON blobs (spool_last) WHERE state = 'spooled';
        -- One row per sink: the next spool entry it has not accepted, and its delivery state for `status`.
        CREATE TABLE sink_cursors (
            sink         TEXT    PRIMARY KEY,
            next_seq     INTEGER NOT NULL,
            state        TEXT    NOT NULL DEFAULT 'delivering',
            state_since  INTEGER,
            message      TEXT,
            updated_at   INTEGER NOT NULL
        );
        -- When each tenant was last served by a lease (a rising counter): tenants take turns across leases.
        CREATE TABLE tenant_turns (
            tenant_id TEXT PRIMARY KEY,
            served    INTEGER NOT NULL
        );
        """)
}
