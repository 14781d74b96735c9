internal import CSQLite

/// A failed SQLite call, or a misuse of this module's API, with SQLite's own result code and message.
///
/// Every SQLite return code passes through one chokepoint, `check(_:_:sql:)`, which turns it into this error.
/// Errors raised by this module itself (closed database, nested transaction, schema too new) use the
/// closest SQLite code (`SQLITE_MISUSE`, `SQLITE_ERROR`, `SQLITE_CANTOPEN`) and their own message.
public struct SQLiteError: Error, CustomStringConvertible, Sendable {
    /// The primary result code: the low 8 bits of ``extendedCode`` (for example ``Code/constraint``).
    public let code: Code
    /// The extended result code (for example `SQLITE_CONSTRAINT_PRIMARYKEY`, 1555); equals ``code`` when there is none.
    public let extendedCode: Code
    /// The human message: `sqlite3_errmsg` for SQLite failures, or this module's explanation.
    public let message: String
    /// The SQL being prepared or run, truncated to 200 characters; nil when no statement was involved.
    public let sql: String?

    /// Creates an error; `sql` is truncated to keep logs readable (and payloads out of them).
    public init(code: Code, extendedCode: Code? = nil, message: String, sql: String? = nil) {
        self.code = code.primary
        self.extendedCode = extendedCode ?? code
        self.message = message
        self.sql = sql.map { $0.count > 200 ? String($0.prefix(200)) + "…" : $0 }
    }

    /// Another connection or process holds a lock past the busy timeout (`SQLITE_BUSY`); retrying may succeed.
    public var isBusy: Bool { self.code == .busy }
    /// A UNIQUE, PRIMARY KEY, NOT NULL, CHECK or FOREIGN KEY constraint failed (`SQLITE_CONSTRAINT`).
    public var isConstraint: Bool { self.code == .constraint }
    /// The disk (or a quota) is full (`SQLITE_FULL`); the failed transaction was not committed.
    public var isFull: Bool { self.code == .full }
    /// The file is damaged or is not a database (`SQLITE_CORRUPT`, `SQLITE_NOTADB`).
    public var isCorrupt: Bool { self.code == .corrupt || self.code == .notADatabase }
    /// A disk I/O error (`SQLITE_IOERR`); for a commit, the outcome must be treated as unknown.
    public var isIOError: Bool { self.code == .ioError }
    /// The API was used wrongly: closed database, nested transaction, wrong number of binds (`SQLITE_MISUSE`).
    public var isMisuse: Bool { self.code == .misuse }

    /// `SQLite error 19/2067 (constraint failed): UNIQUE constraint failed: t.id; SQL: INSERT …`
    public var description: String {
        var text = "SQLite error \(self.code.rawValue)"
        if self.extendedCode != self.code { text += "/\(self.extendedCode.rawValue)" }
        text += " (\(self.code)): \(self.message)"
        if let sql = self.sql { text += "; SQL: \(sql)" }
        return text
    }
}

extension SQLiteError {
    /// An SQLite result code; the static members name the ones this module's callers test for.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// The numeric code as SQLite defines it (primary or extended).
        public let rawValue: Int32
        /// Wraps a numeric SQLite result code.
        public init(rawValue: Int32) { self.rawValue = rawValue }

        /// The primary code of an extended one: "the least significant 8 bits" (SQLite result-code docs).
        public var primary: Code { Code(rawValue: self.rawValue & 0xFF) }
        /// SQLite's English name for the code (`sqlite3_errstr`), e.g. "database is locked".
        public var description: String { String(cString: sqlite3_errstr(self.rawValue)) }

        /// `SQLITE_ERROR`: generic error (also used for migration refusals).
        public static let error = Code(rawValue: SQLITE_ERROR)
        /// `SQLITE_BUSY`: the database file is locked.
        public static let busy = Code(rawValue: SQLITE_BUSY)
        /// `SQLITE_READONLY`: attempt to write a read-only database (or inside ``SQLiteDatabase/read(_:)``).
        public static let readOnly = Code(rawValue: SQLITE_READONLY)
        /// `SQLITE_IOERR`: disk I/O error.
        public static let ioError = Code(rawValue: SQLITE_IOERR)
        /// `SQLITE_CORRUPT`: the database disk image is malformed.
        public static let corrupt = Code(rawValue: SQLITE_CORRUPT)
        /// `SQLITE_FULL`: the disk is full.
        public static let full = Code(rawValue: SQLITE_FULL)
        /// `SQLITE_CANTOPEN`: unable to open (or create) the database file.
        public static let cantOpen = Code(rawValue: SQLITE_CANTOPEN)
        /// `SQLITE_CONSTRAINT`: a constraint failed.
        public static let constraint = Code(rawValue: SQLITE_CONSTRAINT)
        /// `SQLITE_MISUSE`: the library (or this module) was used incorrectly.
        public static let misuse = Code(rawValue: SQLITE_MISUSE)
        /// `SQLITE_NOTADB`: the file is not a database.
        public static let notADatabase = Code(rawValue: SQLITE_NOTADB)
    }
}

// MARK: - The chokepoint

extension SQLiteError {
    /// The error for a failed call on `db`. `sqlite3_errmsg` describes "the most recent failed API call"
    /// on that connection, so this must run on the connection's thread right after the failing call.
    init(resultCode rc: Int32, db: OpaquePointer?, sql: String?) {
        let message = db.map { String(cString: sqlite3_errmsg($0)) } ?? String(cString: sqlite3_errstr(rc))
        self.init(code: Code(rawValue: rc), message: message, sql: sql)
    }

    /// This module's own refusal: wrong use of the API or of a closed database.
    static func misuse(_ message: String, sql: String? = nil) -> SQLiteError {
        SQLiteError(code: .misuse, message: message, sql: sql)
    }

    /// The error every operation on a closed database (or finalized statement) throws.
    static let closed = SQLiteError.misuse("the database is closed")
    /// A connection that could not restore `PRAGMA synchronous` takes no more transactions (``ConnectionSlot`` reopens it).
    static let reopening = SQLiteError(code: .error, message: "the connection could not restore PRAGMA synchronous and is being reopened")
}

/// Translates an SQLite result code: `SQLITE_OK`, `SQLITE_ROW` and `SQLITE_DONE` pass, anything else throws.
///
/// Extended result codes are enabled on every connection (`sqlite3_extended_result_codes`), so `rc` may be
/// extended; its low 8 bits decide.
@discardableResult
func check(_ rc: Int32, _ db: OpaquePointer?, sql: String? = nil) throws(SQLiteError) -> Int32 {
    switch rc & 0xFF {
    case SQLITE_OK, SQLITE_ROW, SQLITE_DONE:
        return rc
    default:
        throw SQLiteError(resultCode: rc, db: db, sql: sql)
    }
}
