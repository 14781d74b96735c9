internal import CSQLite

/// Owns one `sqlite3*` connection handle and closes it in `deinit`.
///
/// Shared by a connection and its statements, so a statement can tell that its connection was closed
/// (and refuse to run) instead of touching a freed handle. Not Sendable: it is confined to the database's
/// executor thread, like everything that holds it.
final class SQLiteHandle {
    /// The raw handle; nil once closed.
    private(set) var db: OpaquePointer?

    /// Opens `path` (which must already exist) read-write with extended result codes.
    ///
    /// `SQLITE_OPEN_NOMUTEX` selects SQLite's multi-thread mode: "SQLite can be safely used by multiple threads
    /// provided that no single database connection ... is used simultaneously in two or more threads".
    /// Every call on this handle runs on one executor thread, so the per-connection mutex of FULLMUTEX
    /// would only add a lock and unlock to every call.
    init(path: String) throws(SQLiteError) {
        // Multi-thread mode needs a library built with SQLITE_THREADSAFE=1 or 2; with 0, two databases on
        // two executor threads would race on SQLite's global state.
        guard sqlite3_threadsafe() != 0 else {
            throw SQLiteError.misuse("libsqlite3 was built without thread support (SQLITE_THREADSAFE=0)")
        }
        var db: OpaquePointer?
        let flags = SQLITE_OPEN_READWRITE | SQLITE_OPEN_NOMUTEX
        do {
            try check(sqlite3_open_v2(path, &db, flags, nil), db)
        } catch {
            // "Whether or not an error occurs when it is opened, resources associated with the database
            // connection handle should be released by passing it to sqlite3_close() when it is no longer
            // required." The error already holds the message that closing discards.
            if let db { Self.closeHandle(db) }
            throw SQLiteError(code: error.code, extendedCode: error.extendedCode,
                              message: "cannot open database \(path): \(error.message)")
        }
        self.db = db
        do {
            try check(sqlite3_extended_result_codes(db, 1), db)
        } catch {
            self.close()
            throw error
        }
    }

    /// True until ``close()``.
    var isOpen: Bool { self.db != nil }

    /// The open handle, or the "database is closed" error.
    func open() throws(SQLiteError) -> OpaquePointer {
        guard let db = self.db else { throw SQLiteError.closed }
        return db
    }

    /// Closes the handle; idempotent.
    ///
    /// `sqlite3_close_v2` never fails for busy statements: "if the database connection is associated with
    /// unfinalized prepared statements ... then sqlite3_close_v2() ... returns SQLITE_OK", and the handle
    /// becomes a zombie freed when the last statement is finalized. That is what lets a statement outlive
    /// an explicit close and still finalize safely in its own `deinit`.
    func close() {
        guard let db = self.db else { return }
        self.db = nil
        Self.closeHandle(db)
    }

    private static func closeHandle(_ db: OpaquePointer) {
        let rc = sqlite3_close_v2(db)
        // The only other result is SQLITE_MISUSE for a handle that is not a connection: a bug in this module.
        assert(rc == SQLITE_OK, "sqlite3_close_v2 returned \(rc)")
    }

    deinit { self.close() }
}
