import HookSQLite
import Testing

@Suite("Transactions, savepoints and per-job clean-up")
struct SQLiteTransactionTests {
    static func count(_ database: SQLiteDatabase) async throws -> Int64? {
        try await database.read { try $0.scalar("SELECT count(*) FROM t")?.int64 }
    }

    @Test("a throwing body rolls back every row and rethrows its own error")
    func rollbackOnThrow() async throws {
        try await withDatabase { database, _ in
            try await database.write { try $0.execute("CREATE TABLE t(x)") }
            await #expect(throws: DeliberateFailure()) {
                try await database.write { connection in
                    try connection.transaction(.immediate) {
                        for value in 0..<10 { try connection.run("INSERT INTO t VALUES (?)", [SQLiteValue(value)]) }
                        throw DeliberateFailure()
                    }
                }
            }
            #expect(try await Self.count(database) == 0)
            let stillUsable = try await database.write { connection in
                try connection.transaction(.deferred) { try connection.run("INSERT INTO t VALUES (1)") }
                return connection.isInTransaction
            }
            let count = try await Self.count(database)
            #expect(!stillUsable && count == 1)
        }
    }

    @Test("a relaxed transaction commits, and the connection is back at synchronous=FULL afterwards, also after a throw")
    func relaxedTransactionRestoresFull() async throws {
        try await withDatabase { database, _ in
            try await database.write { try $0.execute("CREATE TABLE t(x)") }
            let during = try await database.write { connection in
                try connection.relaxedTransaction {
                    try connection.run("INSERT INTO t VALUES (1)")
                    return try connection.scalar("PRAGMA synchronous")?.int64
                }
            }
            #expect(during == 1)
            await #expect(throws: DeliberateFailure()) {
                try await database.write { connection in
                    try connection.relaxedTransaction { () throws -> Void in throw DeliberateFailure() }
                }
            }
            let after = try await database.write { try $0.scalar("PRAGMA synchronous")?.int64 }
            #expect(after == 2)
            #expect(try await Self.count(database) == 1)
        }
    }

    @Test("transaction() inside a transaction is a misuse error; the outer one still commits")
    func nestedTransactionIsRefused() async throws {
        try await withDatabase { database, _ in
            let nestedError = try await database.write { connection -> SQLiteError? in
                try connection.execute("CREATE TABLE t(x)")
                return try connection.transaction(.immediate) { () throws -> SQLiteError? in
                    try connection.run("INSERT INTO t VALUES (1)")
                    do {
                        try connection.transaction(.immediate) { try connection.run("INSERT INTO t VALUES (2)") }
                        return nil
                    } catch let error as SQLiteError {
                        return error
                    }
                }
            }
            #expect(nestedError?.isMisuse == true && nestedError?.message.contains("savepoint") == true)
            #expect(try await Self.count(database) == 1)
        }
    }

    @Test("a failing savepoint undoes only its own work inside the transaction")
    func savepointIsolatesFailure() async throws {
        try await withDatabase { database, _ in
            let kept = try await database.write { connection -> [SQLiteRow] in
                try connection.execute("CREATE TABLE t(x)")
                try connection.transaction(.immediate) {
                    try connection.run("INSERT INTO t VALUES ('before')")
                    do {
                        try connection.savepoint {
                            try connection.run("INSERT INTO t VALUES ('inside')")
                            try connection.savepoint { try connection.run("INSERT INTO t VALUES ('nested')") }
                            throw DeliberateFailure()
                        }
                    } catch is DeliberateFailure {}
                    try connection.savepoint { try connection.run("INSERT INTO t VALUES ('after')") }
                }
                return try connection.query("SELECT x FROM t ORDER BY rowid")
            }
            #expect(kept.map { $0[0] } == ["before", "after"])
        }
    }

    @Test("a closure that leaves a transaction open fails, and its work is rolled back")
    func leftOpenTransactionIsRolledBack() async throws {
        try await withDatabase { database, _ in
            try await database.write { try $0.execute("CREATE TABLE t(x)") }
            let error = await #expect(throws: SQLiteError.self) {
                try await database.write { connection in
                    try connection.execute("BEGIN IMMEDIATE")
                    try connection.run("INSERT INTO t VALUES (1)")
                }
            }
            #expect(error?.isMisuse == true && error?.message.contains("still open") == true)
            #expect(try await database.read { $0.isInTransaction } == false)
            #expect(try await Self.count(database) == 0)
        }
    }

    @Test("read() refuses writes, and the next write() may write again")
    func readIsReadOnly() async throws {
        try await withDatabase { database, _ in
            try await database.write { try $0.execute("CREATE TABLE t(x)") }
            let error = await #expect(throws: SQLiteError.self) {
                try await database.read { try $0.run("INSERT INTO t VALUES (1)") }
            }
            #expect(error?.code == .readOnly, "error: \(String(describing: error))")
            try await database.write { try $0.run("INSERT INTO t VALUES (2)") }
            #expect(try await Self.count(database) == 1)
        }
    }
}
