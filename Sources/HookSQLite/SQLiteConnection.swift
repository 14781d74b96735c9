internal import CSQLite

/// One open SQLite connection: run SQL, prepare cached statements, open transactions.
///
/// A connection is confined to its database's executor thread and only ever reached through the closures of
/// ``SQLiteDatabase/write(_:)``, ``SQLiteDatabase/read(_:)`` and ``SQLiteDatabase/withConnection(_:)``:
/// it is deliberately not `Sendable`.
public final class SQLiteConnection {
    let handle: SQLiteHandle
    /// The database file's path.
    public let path: String
    private var cache: [String: SQLiteStatement] = [:]
    private let cacheCapacity: Int
    private var tick: UInt64 = 0
    /// Nesting depth of ``savepoint(_:)``, used to name savepoints.
    var savepointDepth = 0
    /// The `synchronous` level from the options, restored after a ``relaxedTransaction(_:)``.
    let synchronous: SQLiteOptions.Synchronous
    /// Set when restoring `synchronous` failed: no more transactions; the slot reopens the connection.
    var needsReopen = false
    /// Tests only: makes the next restore of `synchronous` after a relaxed transaction fail.
    var failSynchronousRestoreForTesting = false

    /// Creates the file if needed (mode 0600), opens it and applies `options` (WAL, synchronous, foreign keys).
    init(path: String, options: SQLiteOptions) throws {
        try SQLiteFile.createIfMissing(path: path)
        self.handle = try SQLiteHandle(path: path)
        self.path = path
        self.cacheCapacity = max(0, options.statementCacheCapacity)
        self.synchronous = options.synchronous
        do {
            try self.configure(options)
        } catch {
            self.close()
            throw error
        }
    }

    private func configure(_ options: SQLiteOptions) throws {
        let db = try self.handle.open()
        try check(sqlite3_busy_timeout(db, options.busyTimeoutMilliseconds), db)
        // journal_mode answers with the mode now in effect; SQLite keeps the old mode when it cannot switch
        // (for example when the VFS has no shared-memory support), so the answer must be checked.
        let mode = try self.scalar("PRAGMA journal_mode = WAL")?.text?.lowercased()
        guard mode == "wal" else {
            throw SQLiteError(code: .error, message: "cannot enable WAL on \(self.path): journal_mode is \(mode ?? "?")")
        }
        // SQLite ignores unknown pragma values silently, so read both settings back.
        try self.execute("PRAGMA synchronous = \(options.synchronous.rawValue)")
        let synchronous = try self.scalar("PRAGMA synchronous")?.int64
        guard synchronous == options.synchronous.pragmaValue else {
            throw SQLiteError(code: .error, message: "PRAGMA synchronous is \(synchronous ?? -1) after setting \(options.synchronous.rawValue)")
        }
        try self.execute("PRAGMA wal_autocheckpoint = \(options.autoCheckpointPages)")
        try self.execute("PRAGMA foreign_keys = \(options.foreignKeys ? "ON" : "OFF")")
        let foreignKeys = try self.scalar("PRAGMA foreign_keys")?.int64
        guard foreignKeys == (options.foreignKeys ? 1 : 0) else {
            throw SQLiteError(code: .error, message: "PRAGMA foreign_keys is \(foreignKeys ?? -1) after setting it")
        }
    }

    // MARK: - Running SQL

    /// Runs one or more `;`-separated statements, discarding any rows (`sqlite3_exec`). No binds.
    public func execute(_ sql: String) throws {
        let db = try self.handle.open()
        try check(sqlite3_exec(db, sql, nil, nil, nil), db, sql: sql)
    }

    /// A prepared statement for `sql` (exactly one statement), reset and with cleared bindings.
    ///
    /// Statements are cached by SQL text (``SQLiteOptions/statementCacheCapacity``, least recently used out).
    /// A cached statement is handed out only while nobody else holds it; a caller that still holds one and
    /// prepares the same SQL again gets a fresh, uncached statement, so two uses never share bindings.
    public func prepare(_ sql: String) throws -> SQLiteStatement {
        self.tick &+= 1
        guard self.cacheCapacity > 0 else { return try SQLiteStatement(handle: self.handle, sql: sql, persistent: false) }
        if var cached = self.cache.removeValue(forKey: sql) {
            let isFree = isKnownUniquelyReferenced(&cached)
            self.cache[sql] = cached
            guard isFree else { return try SQLiteStatement(handle: self.handle, sql: sql, persistent: false) }
            cached.reset()
            try cached.clearBindings()
            cached.lastUsed = self.tick
            return cached
        }
        let statement = try SQLiteStatement(handle: self.handle, sql: sql, persistent: true)
        if self.cache.count >= self.cacheCapacity, let oldest = self.cache.min(by: { $0.value.lastUsed < $1.value.lastUsed }) {
            // Dropping the cache's reference finalizes it, or lets its current holder finalize it later.
            self.cache.removeValue(forKey: oldest.key)
        }
        statement.lastUsed = self.tick
        self.cache[sql] = statement
        return statement
    }

    /// Runs one statement with `binds` to completion, discarding rows.
    public func run(_ sql: String, _ binds: [SQLiteValue] = []) throws {
        let statement = try self.prepare(sql)
        try statement.bind(binds)
        try statement.run()
    }

    /// Runs one query with `binds` and returns all its rows.
    public func query(_ sql: String, _ binds: [SQLiteValue] = []) throws -> [SQLiteRow] {
        let statement = try self.prepare(sql)
        defer { statement.reset() }
        try statement.bind(binds)
        let columns = statement.columnNames
        var rows: [SQLiteRow] = []
        while try statement.step() { rows.append(statement.row(columns: columns)) }
        return rows
    }

    /// The first column of the first row of a query, or nil when it returns no rows.
    public func scalar(_ sql: String, _ binds: [SQLiteValue] = []) throws -> SQLiteValue? {
        let statement = try self.prepare(sql)
        defer { statement.reset() }
        try statement.bind(binds)
        return try statement.step() ? statement.value(at: 0) : nil
    }

    // MARK: - State

    /// The rowid of the most recent successful INSERT on this connection.
    public var lastInsertRowID: Int64 {
        guard let db = self.handle.db else { return 0 }
        return sqlite3_last_insert_rowid(db)
    }

    /// Rows changed by the most recent INSERT, UPDATE or DELETE.
    public var changes: Int {
        guard let db = self.handle.db else { return 0 }
        return Int(sqlite3_changes64(db))
    }

    /// True while an explicit transaction is open (SQLite is not in autocommit mode).
    public var isInTransaction: Bool {
        guard let db = self.handle.db else { return false }
        return sqlite3_get_autocommit(db) == 0
    }

    /// `PRAGMA user_version`: the schema version that ``migrate(_:)`` maintains.
    public func userVersion() throws -> Int {
        Int(try self.scalar("PRAGMA user_version")?.int64 ?? 0)
    }

    /// Finalizes the cached statements and closes the handle; idempotent.
    func close() {
        for statement in self.cache.values { statement.finalize() }
        self.cache.removeAll()
        self.handle.close()
    }

    deinit { self.close() }
}

/// A connection belongs to its database's executor thread; see ``SQLiteDatabase``.
@available(*, unavailable)
extension SQLiteConnection: Sendable {}
