import Foundation
import HookSQLite
import HookTestSupport
import Synchronization
import Testing

@Suite("SQLiteDatabase: files, settings, threading")
struct SQLiteDatabaseTests {
    @Test("a new database, its WAL and its shared-memory file are created with mode 0600")
    func createsPrivateFiles() async throws {
        try await withDatabase { database, _ in
            try await database.write { try $0.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1)") }
            for suffix in ["", "-wal", "-shm"] {
                let mode = try permissionBits(database.path + suffix)
                #expect(mode == 0o600, "mode of test.db\(suffix) is \(String(mode, radix: 8))")
            }
        }
    }

    @Test("an existing database file keeps the mode the operator gave it")
    func keepsExistingMode() async throws {
        try await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("existing.db").path
            #expect(FileManager.default.createFile(atPath: path, contents: nil, attributes: [.posixPermissions: 0o640]))
            let database = try await SQLiteDatabase.open(path: path)
            try await database.write { try $0.execute("CREATE TABLE t(x)") }
            await database.close()
            #expect(try permissionBits(path) == 0o640)
        }
    }

    @Test("a missing parent directory is a clear error, and nothing is created")
    func missingParentDirectory() async throws {
        await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("absent/state.db").path
            let error = await #expect(throws: SQLiteError.self) { try await SQLiteDatabase.open(path: path) }
            #expect(error?.code == .cantOpen)
            #expect(error?.message.contains("parent directory") == true, "message: \(error?.message ?? "")")
            #expect(!FileManager.default.fileExists(atPath: directory.appendingPathComponent("absent").path))
        }
    }

    @Test("a file that is not a database is refused as corrupt")
    func notADatabase() async throws {
        await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("text.db").path
            let garbage = Data(String(repeating: "this is not an SQLite database\n", count: 100).utf8)
            #expect(FileManager.default.createFile(atPath: path, contents: garbage))
            let error = await #expect(throws: SQLiteError.self) { try await SQLiteDatabase.open(path: path) }
            #expect(error?.isCorrupt == true, "error: \(String(describing: error))")
        }
    }

    @Test("default options: WAL, synchronous FULL, foreign keys on")
    func durableDefaults() async throws {
        try await withDatabase { database, _ in
            let settings = try await database.read { connection in
                [try connection.scalar("PRAGMA journal_mode"), try connection.scalar("PRAGMA synchronous"),
                 try connection.scalar("PRAGMA foreign_keys"), try connection.scalar("PRAGMA busy_timeout")]
            }
            #expect(settings == [.text("wal"), .integer(2), .integer(1), .integer(5000)])
        }
    }

    @Test("options are applied: synchronous NORMAL, foreign keys off, busy timeout")
    func customOptions() async throws {
        let options = SQLiteOptions(busyTimeout: .milliseconds(250), synchronous: .normal, foreignKeys: false)
        try await withDatabase(options: options) { database, _ in
            let settings = try await database.read { connection in
                [try connection.scalar("PRAGMA synchronous"), try connection.scalar("PRAGMA foreign_keys"),
                 try connection.scalar("PRAGMA busy_timeout")]
            }
            #expect(settings == [.integer(1), .integer(0), .integer(250)])
        }
    }

    @Test("SQLite work runs on the database's own named thread, never the caller's")
    func runsOnDedicatedThread() async throws {
        try await withDatabase { database, _ in
            let callerThreads = ThreadSet()
            let jobThreads = try await withThrowingTaskGroup(of: JobThread.self) { group in
                for _ in 0..<20 {
                    group.addTask {
                        callerThreads.insertCurrent()
                        return try await database.write { _ in
                            JobThread(id: UInt(pthread_self()), name: Thread.current.name ?? "", isMain: Thread.isMainThread)
                        }
                    }
                }
                return try await group.reduce(into: [JobThread]()) { $0.append($1) }
            }
            #expect(jobThreads.count == 20)
            #expect(Set(jobThreads.map(\.id)).count == 1, "all jobs ran on one thread")
            #expect(jobThreads.allSatisfy { $0.name == "HookSQLite" && !$0.isMain }, "threads: \(Set(jobThreads.map(\.name)))")
            let jobThread = try #require(jobThreads.first?.id)
            #expect(!callerThreads.contains(jobThread), "a cooperative-pool thread ran SQLite")
        }
    }

    @Test("concurrent writes from many tasks are all applied, one at a time")
    func concurrentWritesSerialise() async throws {
        try await withDatabase { database, _ in
            try await database.write { try $0.execute("CREATE TABLE t(task INTEGER PRIMARY KEY)") }
            let overlap = Overlap()
            try await withThrowingTaskGroup(of: Void.self) { group in
                for task in 0..<200 {
                    group.addTask {
                        try await database.write { connection in
                            overlap.enter()
                            defer { overlap.leave() }
                            try connection.transaction { try connection.run("INSERT INTO t(task) VALUES (?)", [SQLiteValue(task)]) }
                        }
                    }
                }
                try await group.waitForAll()
            }
            let counts = try await database.read { try $0.query("SELECT count(*), min(task), max(task) FROM t") }
            #expect(counts.first?.values == [200, 0, 199])
            #expect(overlap.maximum == 1, "at most one write body runs at a time")
        }
    }

    @Test("checkpoint(TRUNCATE) empties the WAL")
    func checkpointTruncates() async throws {
        try await withDatabase { database, _ in
            try await database.write { connection in
                try connection.execute("CREATE TABLE t(x)")
                for value in 0..<100 { try connection.run("INSERT INTO t VALUES (?)", [SQLiteValue(value)]) }
            }
            #expect(try fileSize(database.path + "-wal") > 0)
            try await database.checkpoint()
            #expect(try fileSize(database.path + "-wal") == 0)
            #expect(try await database.read { try $0.scalar("SELECT count(*) FROM t") } == 100)
        }
    }

    @Test("after close, calls fail with a misuse error; close is idempotent")
    func closeRefusesWork() async throws {
        try await withDatabase { database, _ in
            await database.close()
            await database.close()
            let error = await #expect(throws: SQLiteError.self) { try await database.write { _ in 1 } }
            #expect(error?.isMisuse == true && error?.message == "the database is closed")
        }
    }

    @Test("the synchronous API opens, runs and closes; re-entering it from the database thread is refused")
    func synchronousAPI() throws {
        let directory = makeTemporaryDirectory("hooksqlite-sync")
        defer { try? FileManager.default.removeItem(at: directory) }
        let database = try SQLiteDatabase(path: directory.appendingPathComponent("sync.db").path)
        let count = try database.withConnection { connection in
            try connection.execute("CREATE TABLE t(x); INSERT INTO t VALUES (1), (2)")
            return try connection.scalar("SELECT count(*) FROM t")
        }
        #expect(count == 2)
        let nested = #expect(throws: SQLiteError.self) {
            try database.withConnection { _ in try database.withConnection { _ in 0 } }
        }
        #expect(nested?.isMisuse == true && nested?.message.contains("deadlock") == true)
        database.close()
        #expect(throws: SQLiteError.self) { try database.withConnection { _ in 0 } }
    }
}

/// Where one job ran.
struct JobThread: Sendable {
    let id: UInt
    let name: String
    let isMain: Bool
}

/// The threads some closures ran on.
final class ThreadSet: Sendable {
    private let ids = Mutex(Set<UInt>())
    func insertCurrent() { self.ids.withLock { _ = $0.insert(UInt(pthread_self())) } }
    func contains(_ id: UInt) -> Bool { self.ids.withLock { $0.contains(id) } }
}

/// Counts how many closures run at the same time, and the most that ever did.
final class Overlap: Sendable {
    private let state = Mutex((current: 0, maximum: 0))
    func enter() { self.state.withLock { $0.current += 1; $0.maximum = max($0.maximum, $0.current) } }
    func leave() { self.state.withLock { $0.current -= 1 } }
    var maximum: Int { self.state.withLock { $0.maximum } }
}
