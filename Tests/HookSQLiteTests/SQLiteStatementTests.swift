import HookSQLite
import Testing

@Suite("SQLiteStatement and SQLiteConnection: binds, rows, errors, cache")
struct SQLiteStatementTests {
    static let samples: [SQLiteValue] = [
        .null, .integer(0), .integer(Int64.min), .integer(Int64.max), .real(3.25), .real(-1e300),
        .text(""), .text("plain"), .text("héllo wörld 🌍 日本語 \u{202E}"), .text("nul\u{0}inside"),
        .blob([]), .blob([0]), .blob([0, 1, 0, 255, 0]), .blob(Array(0...255)),
    ]

    @Test("every SQLiteValue round-trips through bind and read, including empty and NUL-containing values")
    func valuesRoundTrip() async throws {
        try await withDatabase { database, _ in
            let rows = try await database.write { connection in
                // No declared type, so no affinity: SQLite stores each value as bound.
                try connection.execute("CREATE TABLE v(x)")
                for value in Self.samples { try connection.run("INSERT INTO v(x) VALUES (?)", [value]) }
                return try connection.query("SELECT x, typeof(x) AS type, length(x) AS length FROM v ORDER BY rowid")
            }
            #expect(rows.map { $0[0] } == Self.samples)
            #expect(rows.map { $0["type"] } == Self.samples.map { .text(Self.storageClass(of: $0)) })
            // The empty blob is a zero-length blob, not NULL; the NUL stays inside text and blob.
            #expect(rows[10]["length"] == 0 && rows[10]["type"] == "blob")
            #expect(rows[9]["x"]?.text?.utf8.count == 10)
        }
    }

    @Test("typed column accessors read what was bound, and convert NULL to zero values")
    func typedAccessors() async throws {
        try await withDatabase { database, _ in
            let ok = try await database.write { connection in
                try connection.execute("CREATE TABLE t(i INTEGER, r REAL, s TEXT, b BLOB, n)")
                try connection.run("INSERT INTO t VALUES (?, ?, ?, ?, ?)", [-7, 2.5, "ünï\u{0}", .blob([9, 0, 8]), nil])
                let statement = try connection.prepare("SELECT i, r, s, b, n FROM t")
                guard try statement.step() else { return false }
                let values = statement.int64(at: 0) == -7 && statement.double(at: 1) == 2.5
                    && statement.text(at: 2) == "ünï\u{0}" && statement.blob(at: 3) == [9, 0, 8]
                let nulls = statement.isNull(at: 4) && statement.int64(at: 4) == 0 && statement.text(at: 4) == ""
                    && statement.blob(at: 4) == [] && !statement.isNull(at: 0)
                let names = statement.columnNames == ["i", "r", "s", "b", "n"]
                return try values && nulls && names && !statement.step()
            }
            #expect(ok)
        }
    }

    @Test("literals build values, and rows answer by index and by column name")
    func literalsAndRows() async throws {
        let literals: [SQLiteValue] = [nil, 42, 1.5, "text", true]
        #expect(literals == [.null, .integer(42), .real(1.5), .text("text"), .integer(1)])
        try await withDatabase { database, _ in
            let row = try await database.read { try $0.query("SELECT 1 AS one, 'two' AS two").first }
            #expect(row?[0] == 1 && row?["two"] == "two" && row?["three"] == nil && row?.count == 2)
        }
    }

    @Test("named parameters bind by name; an unknown name is a misuse error")
    func namedParameters() async throws {
        try await withDatabase { database, _ in
            let row = try await database.write { connection in
                try connection.execute("CREATE TABLE t(a, b)")
                let insert = try connection.prepare("INSERT INTO t(a, b) VALUES (:a, @b)")
                try insert.bind(named: [":a": "first", "@b": .blob([1, 2])])
                try insert.run()
                return try connection.query("SELECT a, b FROM t").first
            }
            #expect(row?.values == ["first", .blob([1, 2])])
            let error = await #expect(throws: SQLiteError.self) {
                try await database.write { try $0.prepare("SELECT :known").bind(named: [":unknown": 1]) }
            }
            #expect(error?.isMisuse == true && error?.message.contains(":unknown") == true)
        }
    }

    @Test("a constraint violation is an SQLiteError with isConstraint, SQLite's message and the SQL")
    func constraintViolation() async throws {
        try await withDatabase { database, _ in
            try await database.write { try $0.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, name TEXT UNIQUE)") }
            try await database.write { try $0.run("INSERT INTO t(name) VALUES (?)", ["dup"]) }
            let error = await #expect(throws: SQLiteError.self) {
                try await database.write { try $0.run("INSERT INTO t(name) VALUES (?)", ["dup"]) }
            }
            #expect(error?.isConstraint == true)
            #expect(error?.extendedCode.rawValue == 2067, "SQLITE_CONSTRAINT_UNIQUE")
            #expect(error?.message == "UNIQUE constraint failed: t.name")
            #expect(error?.sql == "INSERT INTO t(name) VALUES (?)")
            #expect(error?.description.contains("UNIQUE constraint failed: t.name") == true)
        }
    }

    @Test("wrong bind counts, several statements in prepare, and syntax errors are refused")
    func misuseIsRefused() async throws {
        try await withDatabase { database, _ in
            let tooFew = await #expect(throws: SQLiteError.self) { try await database.write { try $0.run("SELECT ?, ?", [1]) } }
            #expect(tooFew?.isMisuse == true && tooFew?.message.contains("2 parameters") == true)
            let several = await #expect(throws: SQLiteError.self) {
                try await database.write { _ = try $0.prepare("SELECT 1; SELECT 2") }
            }
            #expect(several?.isMisuse == true)
            let syntax = await #expect(throws: SQLiteError.self) { try await database.write { try $0.run("SELEC 1") } }
            #expect(syntax?.code == .error && syntax?.message.contains("syntax error") == true)
            // A trailing comment is not a second statement.
            let seven = try await database.read { try $0.scalar("SELECT 7; -- seven") }
            #expect(seven == 7)
        }
    }

    @Test("prepare reuses a cached statement only when nobody holds it")
    func statementCache() async throws {
        try await withDatabase { database, _ in
            let (reused, heldIsFresh, freshWorks) = try await database.write { connection in
                let first = ObjectIdentifier(try connection.prepare("SELECT ?"))
                let second = try connection.prepare("SELECT ?")
                let third = try connection.prepare("SELECT ?")
                try second.bind([1])
                try third.bind([2])
                let ran = try second.step() && third.step() && second.int64(at: 0) == 1 && third.int64(at: 0) == 2
                return (first == ObjectIdentifier(second), second !== third, ran)
            }
            #expect(reused && heldIsFresh && freshWorks)
        }
    }

    @Test("lastInsertRowID and changes report the latest statement")
    func rowIDAndChanges() async throws {
        try await withDatabase { database, _ in
            let (rowID, changed) = try await database.write { connection in
                try connection.execute("CREATE TABLE t(id INTEGER PRIMARY KEY, x)")
                try connection.run("INSERT INTO t(id, x) VALUES (41, 'a'), (42, 'b'), (43, 'c')")
                let rowID = connection.lastInsertRowID
                try connection.run("UPDATE t SET x = 'z' WHERE id >= ?", [42])
                return (rowID, connection.changes)
            }
            #expect(rowID == 43 && changed == 2)
        }
    }

    private static func storageClass(of value: SQLiteValue) -> String {
        switch value {
        case .null: "null"
        case .integer: "integer"
        case .real: "real"
        case .text: "text"
        case .blob: "blob"
        }
    }
}
