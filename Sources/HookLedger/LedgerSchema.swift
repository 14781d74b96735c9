import Foundation
import HookSQLite

/// The ledger's numbered migrations. Times are Unix epoch milliseconds; tenant ids are lowercase.
enum LedgerSchema {
    static let migrations: [SQLiteMigration] = [
        SQLiteMigration(version: 1, name: "blobs and per-sink progress", sql: """
            CREATE TABLE blobs (
                id                 INTEGER PRIMARY KEY,
                tenant_id          TEXT    NOT NULL,
                content_id         TEXT    NOT NULL,
                content_type       TEXT    NOT NULL,
                content_uri        TEXT    NOT NULL,
                client_id          TEXT,
                content_created    INTEGER NOT NULL,
                content_expiration INTEGER NOT NULL,
                first_source       TEXT    NOT NULL,
                first_seen_at      INTEGER NOT NULL,
                seen_again         INTEGER NOT NULL DEFAULT 0,
                notified           INTEGER NOT NULL DEFAULT 0,
                listed             INTEGER NOT NULL DEFAULT 0,
                state              TEXT    NOT NULL DEFAULT 'queued',
                attempts           INTEGER NOT NULL DEFAULT 0,
                next_attempt_at    INTEGER NOT NULL,
                lease_expires_at   INTEGER,
                last_error         TEXT,
                dead_reason        TEXT,
                done_at            INTEGER,
                UNIQUE (tenant_id, content_id)
            );
            -- One index serves the whole queue: a leased blob's next_attempt_at is its lease expiry, so
            -- "due" is the same range query for queued, retry and expired leases (one B-tree less per insert).
            CREATE INDEX blobs_due ON blobs (state, next_attempt_at);
            CREATE TABLE blob_sinks (
                blob_id     INTEGER NOT NULL REFERENCES blobs (id) ON DELETE CASCADE,
                sink        TEXT    NOT NULL,
                records     INTEGER NOT NULL,
                accepted_at INTEGER NOT NULL,
                PRIMARY KEY (blob_id, sink)
            );
            """),
        SQLiteMigration(version: 2, name: "subscription start guard", sql: """
            -- When /subscriptions/start was last attempted per tenant × content type: Microsoft allows one
            -- per 15 minutes, and keeping it here means a restart cannot break that rule.
            CREATE TABLE subscription_starts (
                tenant_id     TEXT    NOT NULL,
                content_type  TEXT    NOT NULL,
                last_start_at INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, content_type)
            );
            """),
        SQLiteMigration(version: 3, name: "poll watermarks", sql: """
            -- How far the poller has listed per tenant × content type: the end of the last window whose whole
            -- listing was committed. Written after the blobs, so a crash can only repeat a window, not skip one.
            CREATE TABLE poll_watermarks (
                tenant_id     TEXT    NOT NULL,
                content_type  TEXT    NOT NULL,
                listed_until  INTEGER NOT NULL,
                updated_at    INTEGER NOT NULL,
                PRIMARY KEY (tenant_id, content_type)
            );
            """),
        LedgerSchema.recordClaims,
        LedgerSchema.recentClaims,
        LedgerSchema.budgetAndBackfillJobs,
        LedgerSchema.spoolAndCursors,
    ]
}

extension Date {
    /// Unix epoch milliseconds, the ledger's time unit.
    var epochMilliseconds: Int64 { Int64((self.timeIntervalSince1970 * 1000).rounded()) }

    init(epochMilliseconds: Int64) { self.init(timeIntervalSince1970: Double(epochMilliseconds) / 1000) }
}
