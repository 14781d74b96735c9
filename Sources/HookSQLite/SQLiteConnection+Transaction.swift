internal import CSQLite

/// How `BEGIN` takes its locks. In WAL mode IMMEDIATE and EXCLUSIVE both take the write lock at once.
public enum SQLiteTransactionKind: String, Sendable {
    /// Locks on first use; a read that later writes can fail with `SQLITE_BUSY` mid-transaction.
    case deferred = "DEFERRED"
    /// Takes the write lock at `BEGIN`, so a busy database fails (after the busy timeout) before any work.
    case immediate = "IMMEDIATE"
    /// Like IMMEDIATE in WAL mode.
    case exclusive = "EXCLUSIVE"
}

extension SQLiteConnection {
    /// Runs `body` in one transaction: COMMIT when it returns, ROLLBACK when it throws.
    ///
    /// Transactions do not nest: calling this inside an open transaction throws a misuse error, because an
    /// inner COMMIT cannot be honoured. Use ``savepoint(_:)`` inside a transaction for a part that may fail
    /// on its own (a group-commit writer isolates each request that way).
    ///
    /// When this throws, nothing of `body` is committed; if the failure is an I/O error during COMMIT
    /// (``SQLiteError/isIOError``), treat the outcome as unknown and rely on idempotent writes.
    public func transaction<T>(_ kind: SQLiteTransactionKind = .immediate, _ body: () throws -> T) throws -> T {
        guard !self.isInTransaction else {
            throw SQLiteError.misuse("transaction() cannot nest inside an open transaction; use savepoint(_:)")
        }
        guard !self.needsReopen else {
            throw SQLiteError.reopening
        }
        try self.run("BEGIN \(kind.rawValue)")
        let result: T
        do {
            result = try body()
        } catch {
            try self.rollback(after: error)
            throw error
        }
        guard self.isInTransaction else {
            throw SQLiteError.misuse("the transaction was ended inside its body (COMMIT or ROLLBACK run directly)")
        }
        do {
            try self.run("COMMIT")
        } catch {
            // A failed COMMIT may leave the transaction open (SQLITE_BUSY) or already rolled back (I/O errors).
            try self.rollback(after: error)
            throw error
        }
        return result
    }

    /// Runs `body` in one IMMEDIATE transaction whose COMMIT does not wait for the disk (`synchronous =
    /// NORMAL` for this transaction only, then the configured level again).
    ///
    /// For writes whose loss in a power cut is harmless (the forwarder's de-duplication claims: a lost claim
    /// can only let a duplicate through, never lose a record). In WAL mode frames reach the disk in order, so
    /// the next ordinary commit's fsync makes these durable as well; they never weaken another commit.
    public func relaxedTransaction<T>(_ body: () throws -> T) throws -> T {
        guard self.synchronous.pragmaValue > SQLiteOptions.Synchronous.normal.pragmaValue else {
            return try self.transaction(.immediate, body)
        }
        try self.run("PRAGMA synchronous = NORMAL")
        let result = Result { try self.transaction(.immediate, body) }
        // Restored before anything else runs on this connection. When that fails, the connection would
        // commit without fsync from now on, so it takes no more transactions and is replaced by a freshly
        // opened one at the end of this job (``ConnectionSlot``); the caller sees the error.
        do {
            if self.failSynchronousRestoreForTesting { throw SQLiteError(code: .ioError, message: "injected failure restoring synchronous") }
            try self.run("PRAGMA synchronous = \(self.synchronous.rawValue)")
        } catch {
            self.needsReopen = true
            throw error
        }
        return try result.get()
    }

    /// Runs `body` inside a SAVEPOINT: RELEASE when it returns, ROLLBACK TO when it throws.
    ///
    /// Nests freely. Inside ``transaction(_:_:)`` a failed savepoint undoes only its own work and the outer
    /// transaction continues. Outside a transaction it behaves like a DEFERRED transaction.
    public func savepoint<T>(_ body: () throws -> T) throws -> T {
        guard self.isInTransaction || !self.needsReopen else {
            throw SQLiteError.reopening
        }
        let name = "ahk_savepoint_\(self.savepointDepth)"
        try self.run("SAVEPOINT \(name)")
        self.savepointDepth += 1
        defer { self.savepointDepth -= 1 }
        let result: T
        do {
            result = try body()
        } catch {
            // Some errors (SQLITE_FULL, SQLITE_IOERR, ...) make SQLite roll back the whole transaction by
            // itself; then the savepoint no longer exists and there is nothing left to undo.
            if self.isInTransaction {
                try self.cleanUp(after: error) {
                    try self.run("ROLLBACK TO \(name)")
                    try self.run("RELEASE \(name)")
                }
            }
            throw error
        }
        try self.run("RELEASE \(name)")
        return result
    }

    /// Rolls back the open transaction, if SQLite has not already done so, after `error`.
    func rollback(after error: any Error) throws {
        guard self.isInTransaction else { return }
        try self.cleanUp(after: error) { try self.run("ROLLBACK") }
    }

    /// Runs a clean-up step after `error`; if the clean-up fails too, throws one error naming both, since the
    /// connection may now be left inside a transaction.
    private func cleanUp(after error: any Error, _ step: () throws -> Void) throws {
        do {
            try step()
        } catch let cleanUpError as SQLiteError {
            throw SQLiteError(code: cleanUpError.code, extendedCode: cleanUpError.extendedCode,
                              message: "\(cleanUpError.message) (while undoing after: \(error))", sql: cleanUpError.sql)
        }
    }
}
