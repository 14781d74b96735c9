import HookSQLite
import HookTestSupport
import Testing

@Suite("Migrations tracked by PRAGMA user_version")
struct SQLiteMigrationTests {
    static let v1 = SQLiteMigration(version: 1, name: "items", sql: "CREATE TABLE items(id INTEGER PRIMARY KEY, body BLOB)")
    static let v2 = SQLiteMigration(
        version: 2, name: "item state",
        sql: "ALTER TABLE items ADD COLUMN state TEXT NOT NULL DEFAULT 'new'; CREATE INDEX items_state ON items(state)"
    )
    static let v3 = SQLiteMigration(version: 3, name: "audit", sql: "CREATE TABLE audit(at INTEGER)")

    static func userVersion(_ database: SQLiteDatabase) async throws -> Int {
        try await database.read { try $0.userVersion() }
    }

    @Test("migrations apply once, in order; reopening applies nothing, a new one applies alone")
    func appliedOnceAndIdempotent() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("migrate.db").path
            let first = try await SQLiteDatabase.open(path: path)
            #expect(try await first.migrate([Self.v1, Self.v2]).map(\.version) == [1, 2])
            #expect(try await first.migrate([Self.v1, Self.v2]).isEmpty)
            try await first.write { try $0.run("INSERT INTO items(body) VALUES (?)", [.blob([1])]) }
            await first.close()

            let reopened = try await SQLiteDatabase.open(path: path)
            #expect(try await reopened.migrate([Self.v1, Self.v2]).isEmpty)
            #expect(try await Self.userVersion(reopened) == 2)
            #expect(try await reopened.migrate([Self.v1, Self.v2, Self.v3]).map(\.version) == [3])
            let state = try await reopened.read { try $0.scalar("SELECT state FROM items") }
            let version = try await Self.userVersion(reopened)
            #expect(state == "new" && version == 3)
            await reopened.close()
        }
    }

    @Test("a database with a newer schema than the binary knows is refused")
    func newerSchemaIsRefused() async throws {
        try await withDatabase { database, _ in
            try await database.migrate([Self.v1, Self.v2, Self.v3])
            let error = await #expect(throws: SQLiteError.self) { try await database.migrate([Self.v1, Self.v2]) }
            #expect(error?.message.contains("database schema version 3 is newer than this binary supports (2)") == true,
                    "message: \(error?.message ?? "")")
            #expect(try await Self.userVersion(database) == 3)
        }
    }

    @Test("duplicate or decreasing versions are refused before anything runs")
    func versionsMustIncrease() async throws {
        try await withDatabase { database, _ in
            let duplicate = SQLiteMigration(version: 1, name: "again", sql: "CREATE TABLE other(x)")
            for list in [[Self.v1, duplicate], [Self.v2, Self.v1], [SQLiteMigration(version: 0, name: "zero", sql: "")]] {
                let error = await #expect(throws: SQLiteError.self) { try await database.migrate(list) }
                #expect(error?.message.contains("strictly increasing") == true)
            }
            let version = try await Self.userVersion(database)
            let schema = try await database.read { try $0.query("SELECT name FROM sqlite_master") }
            #expect(version == 0 && schema.isEmpty)
        }
    }

    @Test("a failing migration leaves no part of itself and keeps the earlier version")
    func failingMigrationIsAtomic() async throws {
        try await withDatabase { database, _ in
            let broken = SQLiteMigration(version: 2, name: "broken", sql: "CREATE TABLE half(x); CREATE TABLE items(x)")
            let error = await #expect(throws: SQLiteError.self) { try await database.migrate([Self.v1, broken]) }
            #expect(error?.message.contains("migration 2 (broken) failed") == true, "message: \(error?.message ?? "")")
            #expect(try await Self.userVersion(database) == 1)
            let tables = try await database.read { try $0.query("SELECT name FROM sqlite_master WHERE type = 'table'") }
            #expect(tables.map { $0[0] } == ["items"])
        }
    }
}
