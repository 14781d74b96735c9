/// One schema change, identified by the `PRAGMA user_version` it brings the database to.
///
/// A binary knows its migrations as a list with strictly increasing versions starting at 1. The list only
/// ever grows: a shipped migration is never edited, since databases that already ran it will not run it again.
public struct SQLiteMigration: Sendable, Hashable {
    /// The schema version after this migration (`PRAGMA user_version`); at least 1.
    public let version: Int
    /// A short human name, for logs and errors.
    public let name: String
    /// One or more SQL statements. They run inside an IMMEDIATE transaction, so they must not contain
    /// statements that SQLite refuses inside one (VACUUM, `PRAGMA journal_mode`, `PRAGMA foreign_keys`).
    public let sql: String

    /// A migration to `version`.
    public init(version: Int, name: String, sql: String) {
        self.version = version
        self.name = name
        self.sql = sql
    }
}

extension SQLiteConnection {
    /// Brings the schema up to the newest of `migrations`, one IMMEDIATE transaction per migration.
    ///
    /// Each migration's SQL and its `PRAGMA user_version = version` commit together, so a crash between two
    /// migrations leaves a consistent, resumable database. The version is re-read inside each transaction
    /// (under the write lock), so two processes migrating at once do not run a migration twice.
    ///
    /// - Returns: the migrations applied now (empty when the schema was already current).
    /// - Throws: `SQLiteError` when versions are not strictly increasing from 1, or when the database's
    ///   version is newer than the newest migration this binary knows: it was written by a newer binary
    ///   and must not be used by this one.
    @discardableResult
    public func migrate(_ migrations: [SQLiteMigration]) throws -> [SQLiteMigration] {
        try Self.validate(migrations)
        let newest = migrations.last?.version ?? 0
        try self.refuseNewer(than: newest, found: try self.userVersion())
        var applied: [SQLiteMigration] = []
        for migration in migrations {
            let ran = try self.transaction(.immediate) { () throws -> Bool in
                let current = try self.userVersion()
                try self.refuseNewer(than: newest, found: current)
                guard current < migration.version else { return false }
                do {
                    try self.execute(migration.sql)
                } catch let error as SQLiteError {
                    throw SQLiteError(code: error.code, extendedCode: error.extendedCode,
                                      message: "migration \(migration.version) (\(migration.name)) failed: \(error.message)",
                                      sql: error.sql)
                }
                // PRAGMA takes no bound parameters; the version is an Int, so interpolation is safe.
                try self.execute("PRAGMA user_version = \(migration.version)")
                return true
            }
            if ran { applied.append(migration) }
        }
        return applied
    }

    private static func validate(_ migrations: [SQLiteMigration]) throws(SQLiteError) {
        var previous = 0
        for migration in migrations {
            guard migration.version > previous else {
                throw SQLiteError(code: .misuse, message: "migration versions must be strictly increasing from 1: "
                                  + "\(migration.version) (\(migration.name)) follows \(previous)")
            }
            previous = migration.version
        }
    }

    private func refuseNewer(than newest: Int, found version: Int) throws(SQLiteError) {
        guard version <= newest else {
            throw SQLiteError(code: .error, message: "database schema version \(version) is newer than this binary "
                              + "supports (\(newest)): \(self.path)")
        }
    }
}
