import Foundation
import HookSQLite

/// The spool's side of the ledger on SQLite (``DeliveryLedger``, docs/spool.md).
extension SQLiteLedger {
    public func recordSpoolProgress(_ blob: LeasedBlob, offset: Int, lastSequence: UInt64?) async throws -> Bool {
        try await self.database.write { connection in
            try connection.relaxedTransaction {
                try connection.run("""
                    UPDATE blobs SET spool_offset = ?, spool_last = coalesce(?, spool_last), claims_ahead = 0
                    WHERE id = ? AND state = 'leased' AND attempts = ?
                    """, [.integer(Int64(offset)), lastSequence.map { .integer(Int64(bitPattern: $0)) } ?? .null,
                          .integer(blob.id), .integer(Int64(blob.attempt))])
                return connection.changes == 1
            }
        }
    }

    public func markSpooled(_ blob: LeasedBlob, lastSequence: UInt64?, sinks: [String], now: Date) async throws -> Bool {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                try connection.run("""
                    UPDATE blobs SET state = 'spooled', spool_last = ?, lease_expires_at = NULL, last_error = NULL, claims_ahead = 0
                    WHERE id = ? AND state = 'leased' AND attempts = ?
                    """, [lastSequence.map { .integer(Int64(bitPattern: $0)) } ?? .null, .integer(blob.id), .integer(Int64(blob.attempt))])
                guard connection.changes == 1 else { return false }
                let cursors = try Self.cursors(connection, sinks)
                let passed = sinks.filter { sink in cursors[sink].map { next in lastSequence.map { next > $0 } ?? true } ?? false }
                for sink in passed { try Self.accept(connection, blobId: blob.id, sink: sink, now: now) }
                if passed.count == sinks.count {
                    try connection.run("UPDATE blobs SET state = 'done', done_at = ? WHERE id = ?", [.integer(now.epochMilliseconds), .integer(blob.id)])
                }
                return true
            }
        }
    }

    public func sinkCursors() async throws -> [SinkCursor] {
        try await self.database.read { connection in
            try connection.query("SELECT sink, next_seq, state, state_since, message FROM sink_cursors ORDER BY sink", []).map { row in
                SinkCursor(sink: row[0].textValue ?? "", next: UInt64(bitPattern: row[1].intValue ?? 0),
                           state: row[2].textValue.flatMap(SinkDeliveryState.init(rawValue:)) ?? .delivering,
                           since: row[3].intValue.map { Date(epochMilliseconds: $0) }, message: row[4].textValue)
            }
        }
    }

    public func createCursors(_ sinks: [String], at next: UInt64, allSinks: [String], now: Date) async throws {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                let existing = try Self.cursors(connection, sinks)
                for sink in sinks where existing[sink] == nil {
                    try connection.run("INSERT INTO sink_cursors (sink, next_seq, updated_at) VALUES (?, ?, ?)",
                                       [.text(sink), .integer(Int64(bitPattern: next)), .integer(now.epochMilliseconds)])
                    try connection.run("""
                        INSERT OR IGNORE INTO blob_sinks (blob_id, sink, records, accepted_at)
                        SELECT id, ?, 0, ? FROM blobs WHERE state = 'spooled' AND spool_last < ?
                        """, [.text(sink), .integer(now.epochMilliseconds), .integer(Int64(bitPattern: next))])
                }
                try Self.finishPassed(connection, allSinks, now: now)
            }
        }
    }

    public func advanceCursor(sink: String, to next: UInt64, sinks: [String], now: Date) async throws -> Int {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                let previous = try Self.cursors(connection, [sink])[sink] ?? 0
                guard next > previous else { return 0 }
                try connection.run("""
                    INSERT INTO sink_cursors (sink, next_seq, updated_at) VALUES (?1, ?2, ?3)
                    ON CONFLICT (sink) DO UPDATE SET next_seq = excluded.next_seq, updated_at = excluded.updated_at
                    """, [.text(sink), .integer(Int64(bitPattern: next)), .integer(now.epochMilliseconds)])
                // Only the blobs whose last entry the cursor passed in this step: the index's range between the cursors.
                try connection.run("""
                    INSERT OR IGNORE INTO blob_sinks (blob_id, sink, records, accepted_at)
                    SELECT id, ?, 0, ? FROM blobs WHERE state = 'spooled' AND spool_last >= ? AND spool_last < ?
                    """, [.text(sink), .integer(now.epochMilliseconds), .integer(Int64(bitPattern: previous)),
                          .integer(Int64(bitPattern: next))])
                return try Self.finishPassed(connection, sinks, now: now)
            }
        }
    }

    public func setSinkState(sink: String, state: SinkDeliveryState, message: String?, now: Date) async throws {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                try connection.run("""
                    UPDATE sink_cursors SET state_since = CASE WHEN state = ?1 THEN state_since ELSE ?2 END,
                        state = ?1, message = ?3, updated_at = ?2 WHERE sink = ?4
                    """, [.text(state.rawValue), .integer(now.epochMilliseconds),
                          message.map { .text(String($0.prefix(2000))) } ?? .null, .text(sink)])
            }
        }
    }

    public func requeueSpooled(cursor: UInt64, now: Date) async throws -> Int {
        try await self.database.write { connection in
            try connection.transaction(.immediate) {
                try connection.run("""
                    UPDATE blobs SET state = 'queued', spool_offset = 0, spool_last = NULL, attempts = 0, next_attempt_at = ?
                    WHERE state = 'spooled'
                    """, [.integer(now.epochMilliseconds)])
                let requeued = connection.changes
                try connection.run("UPDATE sink_cursors SET next_seq = ?, updated_at = ?",
                                   [.integer(Int64(bitPattern: cursor)), .integer(now.epochMilliseconds)])
                return requeued
            }
        }
    }

    /// The cursors of `sinks` that exist.
    static func cursors(_ connection: SQLiteConnection, _ sinks: [String]) throws -> [String: UInt64] {
        guard !sinks.isEmpty else { return [:] }
        let marks = Array(repeating: "?", count: sinks.count).joined(separator: ", ")
        return try connection.query("SELECT sink, next_seq FROM sink_cursors WHERE sink IN (\(marks))", sinks.map { .text($0) })
            .reduce(into: [:]) { $0[$1[0].textValue ?? ""] = UInt64(bitPattern: $1[1].intValue ?? 0) }
    }

    private static func accept(_ connection: SQLiteConnection, blobId: Int64, sink: String, now: Date) throws {
        try connection.run("INSERT OR IGNORE INTO blob_sinks (blob_id, sink, records, accepted_at) VALUES (?, ?, 0, ?)",
                           [.integer(blobId), .text(sink), .integer(now.epochMilliseconds)])
    }

    /// Spooled blobs that every one of `sinks` has passed become done; returns how many.
    @discardableResult
    static func finishPassed(_ connection: SQLiteConnection, _ sinks: [String], now: Date) throws -> Int {
        let cursors = try Self.cursors(connection, sinks)
        guard !sinks.isEmpty, cursors.count == sinks.count, let lowest = cursors.values.min() else { return 0 }
        try connection.run("UPDATE blobs SET state = 'done', done_at = ? WHERE state = 'spooled' AND spool_last < ?",
                           [.integer(now.epochMilliseconds), .integer(Int64(bitPattern: lowest))])
        return connection.changes
    }
}
