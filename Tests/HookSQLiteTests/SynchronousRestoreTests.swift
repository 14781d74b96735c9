@testable import HookSQLite
import Testing

/// After a relaxed transaction the connection must be back at `synchronous = FULL` before anything else
/// commits on it (issue 12, item 9): when restoring fails, the connection is replaced by a fresh one.
@Suite("A failed restore of synchronous=FULL reopens the connection")
struct SynchronousRestoreTests {
    @Test("the failing job throws, the next commit runs on a fresh connection at FULL, and committed rows survive")
    func failedRestoreReopens() async throws {
        try await withDatabase { database, _ in
            try await database.write { try $0.execute("CREATE TABLE t(x)") }
            await #expect(throws: SQLiteError.self) {
                try await database.write { connection in
                    connection.failSynchronousRestoreForTesting = true
                    try connection.relaxedTransaction { try connection.run("INSERT INTO t VALUES (1)") }
                }
            }
            // Later work in the same job takes no transaction on the connection at NORMAL either.
            await #expect(throws: SQLiteError.self) {
                try await database.write { connection in
                    connection.failSynchronousRestoreForTesting = true
                    _ = try? connection.relaxedTransaction { try connection.run("INSERT INTO t VALUES (2)") }
                    try connection.transaction { try connection.run("INSERT INTO t VALUES (3)") }
                }
            }
            let level = try await database.write { connection in
                try connection.transaction { try connection.run("INSERT INTO t VALUES (4)") }
                return try connection.scalar("PRAGMA synchronous")?.int64
            }
            #expect(level == SQLiteOptions.Synchronous.full.pragmaValue)
            let rows = try await database.read { connection in
                try connection.query("SELECT x FROM t ORDER BY x").map { $0[0].int64 }
            }
            #expect(rows == [1, 2, 4])
        }
    }
}
