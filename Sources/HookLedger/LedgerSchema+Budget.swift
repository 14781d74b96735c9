import HookSQLite

extension LedgerSchema {
    /// Migration 6: the per-tenant request budget shared by every process on the ledger, and the backfill
    /// jobs that `activityhook backfill` records for `serve` to run (docs/request-budget.md).
    static let budgetAndBackfillJobs = SQLiteMigration(version: 6, name: "request grants and backfill jobs", sql: """
        -- Blocks of API calls a process reserved from a tenant's budget. A grant counts against the budget
        -- until `window` after its `usable_until`: calls are made from it only before that instant, so any
        -- window of actual calls is covered by grants still counted when the last of them was taken.
        CREATE TABLE request_grants (
            id            INTEGER PRIMARY KEY,
            tenant_id     TEXT    NOT NULL,
            usable_until  INTEGER NOT NULL,
            calls         INTEGER NOT NULL
        );
        CREATE INDEX request_grants_tenant ON request_grants (tenant_id, usable_until);
        -- A backfill asked for by the CLI and run by serve's poller inside the shared budget.
        CREATE TABLE backfill_jobs (
            id              INTEGER PRIMARY KEY,
            since           INTEGER NOT NULL,
            until           INTEGER,
            tenant_id       TEXT,
            content_type    TEXT,
            state           TEXT    NOT NULL DEFAULT 'queued',
            created_at      INTEGER NOT NULL,
            started_at      INTEGER,
            finished_at     INTEGER,
            windows_total   INTEGER NOT NULL DEFAULT 0,
            windows_listed  INTEGER NOT NULL DEFAULT 0,
            error           TEXT
        );
        -- The blobs a job's listings found (new or already known), to count how many are forwarded.
        CREATE TABLE backfill_job_blobs (
            job_id      INTEGER NOT NULL REFERENCES backfill_jobs (id) ON DELETE CASCADE,
            tenant_id   TEXT    NOT NULL,
            content_id  TEXT    NOT NULL,
            PRIMARY KEY (job_id, tenant_id, content_id)
        ) WITHOUT ROWID;
        """)
}
