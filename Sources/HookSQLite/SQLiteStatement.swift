internal import CHookShim
internal import CSQLite

/// One prepared SQL statement: bind values, step through rows, read columns, reset, repeat.
///
/// Obtained from ``SQLiteConnection/prepare(_:)``, which caches statements by SQL text. Confined to the
/// database's executor thread like its connection. The statement is finalized in `deinit`, or when its
/// connection closes (after which every call throws "the database is closed").
public final class SQLiteStatement {
    /// The SQL text this statement was prepared from.
    public let sql: String
    let handle: SQLiteHandle
    private(set) var stmt: OpaquePointer?
    /// Recency stamp for the connection's statement cache.
    var lastUsed: UInt64 = 0

    /// Prepares exactly one statement; `persistent` hints SQLite that it will be reused many times.
    init(handle: SQLiteHandle, sql: String, persistent: Bool) throws(SQLiteError) {
        self.sql = sql
        self.handle = handle
        let db = try handle.open()
        let flags = UInt32(persistent ? SQLITE_PREPARE_PERSISTENT : 0)
        var stmt: OpaquePointer?
        var trailing = false
        let rc = sql.withCString { text in
            var tail: UnsafePointer<CChar>?
            let rc = sqlite3_prepare_v3(db, text, -1, flags, &stmt, &tail)
            if rc == SQLITE_OK, let tail { trailing = Self.hasStatement(db, tail) }
            return rc
        }
        try check(rc, db, sql: sql)
        // SQLite returns a NULL statement for input that is only whitespace or comments.
        guard let stmt else { throw SQLiteError.misuse("no SQL statement to prepare", sql: sql) }
        self.stmt = stmt
        // prepare compiles only the first statement; silently dropping the rest would lose writes.
        if trailing {
            self.finalize()
            throw SQLiteError.misuse("prepare takes one SQL statement; use execute(_:) for several", sql: sql)
        }
    }

    /// True when `text` holds another statement (not just whitespace, comments or semicolons).
    private static func hasStatement(_ db: OpaquePointer, _ text: UnsafePointer<CChar>) -> Bool {
        var probe: OpaquePointer?
        let rc = sqlite3_prepare_v3(db, text, -1, 0, &probe, nil)
        // A syntax error in the tail is still "something there" and must not be ignored.
        guard rc == SQLITE_OK else { return true }
        guard let probe else { return false }
        // Finalizing a statement that never ran cannot fail.
        _ = sqlite3_finalize(probe)
        return true
    }

    /// The statement handle, or the "database is closed" error.
    func live() throws(SQLiteError) -> OpaquePointer {
        guard let stmt = self.stmt, self.handle.isOpen else { throw SQLiteError.closed }
        return stmt
    }

    // MARK: - Binding

    /// Resets the statement, clears old bindings and binds `values` to parameters 1...n in order.
    ///
    /// - Throws: misuse when `values.count` differs from the statement's parameter count.
    public func bind(_ values: [SQLiteValue]) throws {
        let stmt = try self.live()
        let expected = Int(sqlite3_bind_parameter_count(stmt))
        guard values.count == expected else {
            throw SQLiteError.misuse("statement has \(expected) parameters but \(values.count) values were bound",
                                     sql: self.sql)
        }
        self.reset()
        try self.clearBindings()
        for (offset, value) in values.enumerated() {
            try self.bind(value, at: offset + 1)
        }
    }

    /// Resets the statement, clears old bindings and binds named parameters.
    ///
    /// Keys are the parameter names with their prefix, as written in the SQL: `":id"`, `"@id"`, `"$id"`.
    /// - Throws: misuse for a name the statement does not have.
    public func bind(named values: [String: SQLiteValue]) throws {
        let stmt = try self.live()
        self.reset()
        try self.clearBindings()
        for (name, value) in values {
            let index = sqlite3_bind_parameter_index(stmt, name)
            guard index > 0 else { throw SQLiteError.misuse("no parameter named \(name)", sql: self.sql) }
            try self.bind(value, at: Int(index))
        }
    }

    /// Binds one value to the parameter at `index` (1-based, as in SQLite); does not reset.
    public func bind(_ value: SQLiteValue, at index: Int) throws {
        let stmt = try self.live()
        let position = Int32(clamping: index)
        let rc: Int32
        switch value {
        case .null:
            rc = sqlite3_bind_null(stmt, position)
        case .integer(let integer):
            rc = sqlite3_bind_int64(stmt, position, integer)
        case .real(let real):
            rc = sqlite3_bind_double(stmt, position, real)
        case .text(var text):
            // An explicit byte length keeps embedded NULs; SQLITE_TRANSIENT makes SQLite copy before returning.
            rc = text.withUTF8 { utf8 -> Int32 in
                // A NULL pointer would bind SQL NULL, so "" is bound from a real, empty C string.
                guard let base = utf8.baseAddress, utf8.count > 0 else {
                    return sqlite3_bind_text(stmt, position, "", 0, ahk_sqlite_transient())
                }
                return base.withMemoryRebound(to: CChar.self, capacity: utf8.count) { bytes in
                    sqlite3_bind_text64(stmt, position, bytes, UInt64(utf8.count), ahk_sqlite_transient(), UInt8(SQLITE_UTF8))
                }
            }
        case .blob(let bytes):
            rc = bytes.withUnsafeBytes { raw in
                // A NULL data pointer would bind SQL NULL, so an empty blob is bound as a zero-length zeroblob.
                guard let base = raw.baseAddress, raw.count > 0 else { return sqlite3_bind_zeroblob(stmt, position, 0) }
                return sqlite3_bind_blob64(stmt, position, base, UInt64(raw.count), ahk_sqlite_transient())
            }
        }
        try check(rc, self.handle.db, sql: self.sql)
    }

    /// Sets every parameter back to NULL.
    public func clearBindings() throws {
        let stmt = try self.live()
        try check(sqlite3_clear_bindings(stmt), self.handle.db, sql: self.sql)
    }

    // MARK: - Stepping

    /// Runs the statement to its next row: true when a row is available, false when it has finished.
    public func step() throws -> Bool {
        let stmt = try self.live()
        let rc = sqlite3_step(stmt)
        try check(rc, self.handle.db, sql: self.sql)
        return rc == SQLITE_ROW
    }

    /// Steps until the statement finishes, discarding any rows, then resets it.
    public func run() throws {
        defer { self.reset() }
        while try self.step() {}
    }

    /// Rewinds the statement so it can run again; bindings are kept.
    ///
    /// Also ends the read the statement holds: an un-reset statement pins its WAL snapshot and stops
    /// checkpoints from completing.
    public func reset() {
        guard let stmt = self.stmt else { return }
        // sqlite3_reset only repeats the error of the most recent sqlite3_step, which step() already threw;
        // the statement is reset in every case.
        _ = sqlite3_reset(stmt)
    }

    /// Frees the statement now; idempotent. Later calls throw "the database is closed".
    func finalize() {
        guard let stmt = self.stmt else { return }
        self.stmt = nil
        // Like reset, finalize only repeats the last step's error, which was already thrown.
        _ = sqlite3_finalize(stmt)
    }

    deinit { self.finalize() }
}

/// A statement belongs to its connection's executor thread.
@available(*, unavailable)
extension SQLiteStatement: Sendable {}
