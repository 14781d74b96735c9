import Foundation
import HookSQLite
import HookTestSupport

/// Opens a fresh database in its own temporary directory, runs `body`, closes the database.
func withDatabase<T>(
    options: SQLiteOptions = .init(),
    _ body: (SQLiteDatabase, URL) async throws -> T
) async throws -> T {
    try await withTemporaryDirectory("hooksqlite-test") { directory in
        let database = try await SQLiteDatabase.open(path: directory.appendingPathComponent("test.db").path,
                                                     options: options)
        do {
            let result = try await body(database, directory)
            await database.close()
            return result
        } catch {
            await database.close()
            throw error
        }
    }
}

/// The permission bits (`st_mode & 0o777`) of the file at `path`.
func permissionBits(_ path: String) throws -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { throw TestSupportError("stat \(path): errno \(errno)") }
    return Int(info.st_mode) & 0o777
}

/// The size in bytes of the file at `path`.
func fileSize(_ path: String) throws -> Int {
    var info = stat()
    guard stat(path, &info) == 0 else { throw TestSupportError("stat \(path): errno \(errno)") }
    return Int(info.st_size)
}

/// A test error that a transaction body throws on purpose.
struct DeliberateFailure: Error, Equatable {}
