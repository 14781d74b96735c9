/// The service's durable state: one SQLite database file whose every call runs on its own thread.
///
/// One connection and one dedicated thread (an ``SQLiteExecutor``) per database; closures passed to
/// ``write(_:)``, ``read(_:)`` and ``withConnection(_:)`` run there one at a time, in submission order, so
/// writes are serialised without locks and blocking SQLite calls never occupy Swift's cooperative pool.
/// The file is created with mode 0600, in WAL mode, with `synchronous = FULL` unless ``SQLiteOptions``
/// say otherwise.
///
/// Every closure must finish its own work: a transaction still open when the closure returns is rolled back
/// and the call fails, and statements still mid-step are reset (so no snapshot pins the WAL).
///
/// ```swift
/// let database = try await SQLiteDatabase.open(path: "/var/lib/activityhook/state.db")
/// try await database.migrate(schema)
/// try await database.write { connection in
///     try connection.transaction(.immediate) { try connection.run("INSERT INTO t(x) VALUES (?)", [42]) }
/// }
/// ```
public final class SQLiteDatabase: Sendable {
    /// The database file's path.
    public let path: String
    private let executor: SQLiteExecutor
    private let slot = ConnectionSlot()

    private init(unopenedAt path: String) {
        self.path = path
        self.executor = SQLiteExecutor()
    }

    /// Opens (creating if needed) the database at `path`, blocking the calling thread until it is open.
    ///
    /// For code that is not async (fixtures, command-line tools); async code uses ``open(path:options:)``.
    /// - Throws: `SQLiteError` when the parent directory is missing, the file cannot be created or opened,
    ///   is not a database, or WAL cannot be enabled.
    @available(*, noasync, message: "use SQLiteDatabase.open(path:options:) from async code")
    public convenience init(path: String, options: SQLiteOptions = .init()) throws {
        self.init(unopenedAt: path)
        let slot = self.slot
        try self.executor.sync { try slot.open(path: path, options: options) }
    }

    /// Opens (creating if needed) the database at `path` without blocking the calling task's thread.
    ///
    /// - Throws: as ``init(path:options:)``.
    public static func open(path: String, options: SQLiteOptions = .init()) async throws -> SQLiteDatabase {
        let database = SQLiteDatabase(unopenedAt: path)
        let slot = database.slot
        try await database.executor.perform { try slot.open(path: path, options: options) }
        return database
    }

    /// Runs `body` with the connection on the database thread and returns its result.
    ///
    /// `write` does not open a transaction: call ``SQLiteConnection/transaction(_:_:)`` inside. The body runs
    /// to completion even if the calling task is cancelled.
    public func write<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        let slot = self.slot
        return try await self.executor.perform { try slot.run(readOnly: false, body) }
    }

    /// Queues `body` to run with the connection on the database thread and returns at once; `completion`
    /// gets the outcome there. For callers that hand work over without waiting in a task (the group
    /// commit). Both closures run on the database thread, so they must not block on other work.
    public func enqueue<T: Sendable>(
        _ body: @escaping @Sendable (SQLiteConnection) throws -> T,
        completion: @escaping @Sendable (Result<T, any Error>) -> Void
    ) {
        let slot = self.slot
        let accepted = self.executor.submit { completion(Result { try slot.run(readOnly: false, body) }) }
        if !accepted { completion(.failure(SQLiteError.closed)) }
    }

    /// Runs `body` with the connection in read-only mode (`PRAGMA query_only`): any write in it fails.
    ///
    /// Reads currently share the writer's thread and connection, so they queue behind writes. The
    /// read-only rule keeps callers correct for a later pool of reader connections (WAL readers never block
    /// the writer). For a consistent view across several queries, use a `.deferred` transaction inside.
    public func read<T: Sendable>(_ body: @escaping @Sendable (SQLiteConnection) throws -> T) async throws -> T {
        let slot = self.slot
        return try await self.executor.perform { try slot.run(readOnly: true, body) }
    }

    /// Runs `body` with the connection on the database thread, blocking the calling thread until it returns.
    ///
    /// For code that is not async. Calling it from inside another closure of this database would deadlock
    /// and throws a misuse error instead.
    @available(*, noasync, message: "use write(_:) or read(_:) from async code")
    public func withConnection<T: Sendable>(_ body: (SQLiteConnection) throws -> T) throws -> T {
        let slot = self.slot
        return try self.executor.sync { try slot.run(readOnly: false, body) }
    }

    /// Applies the migrations the database has not had yet; see ``SQLiteConnection/migrate(_:)``.
    ///
    /// Call it right after opening: it also refuses a database whose schema is newer than this binary's.
    /// - Returns: the migrations applied now.
    @discardableResult
    public func migrate(_ migrations: [SQLiteMigration]) async throws -> [SQLiteMigration] {
        try await self.write { try $0.migrate(migrations) }
    }

    /// Copies the WAL into the database file and truncates the WAL (`wal_checkpoint(TRUNCATE)`).
    ///
    /// - Throws: `SQLiteError` with ``SQLiteError/isBusy`` when another connection's reader or writer kept
    ///   the checkpoint from completing.
    public func checkpoint() async throws {
        try await self.write { try $0.checkpoint() }
    }

    /// Closes the database after the work already queued, and waits until it is closed; idempotent.
    ///
    /// Later calls throw "the database is closed". Called from inside one of this database's closures it
    /// cannot wait for itself: the database then closes right after that closure returns.
    @available(*, noasync, message: "use the async close() from async code")
    public func close() {
        let slot = self.slot
        self.executor.stop { slot.close() }
        if !self.executor.isCurrent { self.executor.waitUntilStopped() }
    }

    /// Closes the database after the work already queued, and suspends until it is closed; idempotent.
    public func close() async {
        let slot = self.slot
        self.executor.stop { slot.close() }
        // Suspend rather than block: resumed once the executor thread has run its last job.
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.executor.notifyWhenStopped { continuation.resume() }
        }
    }

    deinit {
        let slot = self.slot
        self.executor.stop { slot.close() }
    }
}
