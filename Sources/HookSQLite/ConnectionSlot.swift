internal import CSQLite

/// Holds a database's one connection and runs closures on it with the clean-up every job needs.
///
/// `@unchecked Sendable` invariant: `connection` is read and written only by jobs running on the database's
/// ``SQLiteExecutor`` thread, which runs one job at a time; `SQLiteDatabase` never touches it directly.
final class ConnectionSlot: @unchecked Sendable {
    private var connection: SQLiteConnection?
    private var opened: (path: String, options: SQLiteOptions)?

    /// Opens the connection; runs on the executor thread.
    func open(path: String, options: SQLiteOptions) throws {
        self.connection = try SQLiteConnection(path: path, options: options)
        self.opened = (path, options)
    }

    /// Replaces a connection that could not restore `synchronous` with a freshly opened one, so that no
    /// commit ever skips its fsync. When reopening fails, the slot stays closed and every later job fails.
    private func reopenIfNeeded() throws {
        guard let connection = self.connection, connection.needsReopen else { return }
        connection.close()
        self.connection = nil
        guard let opened = self.opened else { throw SQLiteError.closed }
        self.connection = try SQLiteConnection(path: opened.path, options: opened.options)
    }

    /// Runs `body` with the connection, then leaves the connection clean for the next job.
    ///
    /// - Parameter readOnly: runs `body` under `PRAGMA query_only = ON`, so that any write fails.
    func run<T>(readOnly: Bool, _ body: (SQLiteConnection) throws -> T) throws -> T {
        guard let connection = self.connection else { throw SQLiteError.closed }
        if readOnly { try connection.execute("PRAGMA query_only = ON") }
        let result = Result { try body(connection) }
        let bodySucceeded = if case .success = result { true } else { false }
        let cleanUp = Result { try connection.finishJob(bodySucceeded: bodySucceeded) }
        if readOnly { try connection.execute("PRAGMA query_only = OFF") }
        try self.reopenIfNeeded()
        try cleanUp.get()
        return try result.get()
    }

    /// Finalizes the statements and closes the connection; runs on the executor thread.
    func close() {
        self.connection?.close()
        self.connection = nil
    }
}

extension SQLiteConnection {
    /// Ends a job: resets statements left mid-step and rolls back a transaction left open.
    ///
    /// A statement that is stepped but not reset keeps its read transaction, and with it a WAL snapshot that
    /// checkpoints cannot pass, so the WAL would grow without bound. A transaction left open would make the
    /// next, unrelated job run inside it. Throws a misuse error for the open transaction when the body
    /// itself succeeded (its work was rolled back, so the caller must not believe it committed).
    func finishJob(bodySucceeded: Bool) throws {
        let db = try self.handle.open()
        var statement = sqlite3_next_stmt(db, nil)
        while let current = statement {
            // sqlite3_reset only repeats the error of the statement's last step, which was already thrown.
            if sqlite3_stmt_busy(current) != 0 { _ = sqlite3_reset(current) }
            statement = sqlite3_next_stmt(db, current)
        }
        guard self.isInTransaction else { return }
        let leftOpen = SQLiteError.misuse("a database closure returned with its transaction still open; it was rolled back")
        try self.rollback(after: leftOpen)
        if bodySucceeded { throw leftOpen }
    }

    /// `PRAGMA wal_checkpoint(TRUNCATE)` through `sqlite3_wal_checkpoint_v2`, which reports `SQLITE_BUSY`
    /// when a reader or writer kept the checkpoint from finishing.
    func checkpoint() throws {
        _ = try self.checkpoint(SQLITE_CHECKPOINT_TRUNCATE)
    }

    /// Copies what it can of the WAL into the database without waiting for or blocking writers
    /// (`SQLITE_CHECKPOINT_PASSIVE`); returns the WAL's frames and how many of them are in the database now.
    public func passiveCheckpoint() throws -> (walFrames: Int, checkpointed: Int) {
        try self.checkpoint(SQLITE_CHECKPOINT_PASSIVE)
    }

    /// Copies the whole WAL into the database and makes the next writer start the WAL over from its
    /// beginning (`SQLITE_CHECKPOINT_RESTART`). Writers wait while it runs (through the busy timeout), so it
    /// is for a WAL that passive checkpoints have mostly copied already but that never gets to restart,
    /// because a busy writer keeps appending.
    public func restartCheckpoint() throws -> (walFrames: Int, checkpointed: Int) {
        try self.checkpoint(SQLITE_CHECKPOINT_RESTART)
    }

    private func checkpoint(_ mode: Int32) throws -> (walFrames: Int, checkpointed: Int) {
        let db = try self.handle.open()
        var walFrames: Int32 = 0
        var checkpointedFrames: Int32 = 0
        try check(sqlite3_wal_checkpoint_v2(db, nil, mode, &walFrames, &checkpointedFrames), db)
        return (Int(walFrames), Int(checkpointedFrames))
    }
}
