// SQLiteCrashFixture: the child process of the SQLite crash-safety test.
//
// Usage: SQLiteCrashFixture <db-path> <rows-per-batch>
//
// Commits batches forever, one IMMEDIATE transaction per batch of <rows-per-batch> rows, and prints
// `committed <k>` only after COMMIT has returned (synchronous = FULL: the batch is on disk). The test kills
// it with SIGKILL at a random moment, mostly in the middle of the next batch, and then checks that every
// reported batch survived whole and that no batch survived in part.
import Foundation
import HookSQLite

let arguments = CommandLine.arguments
guard arguments.count == 3, let rowsPerBatch = Int(arguments[2]), rowsPerBatch > 0 else {
    FileHandle.standardError.write(Data("usage: SQLiteCrashFixture <db-path> <rows-per-batch>\n".utf8))
    exit(2)
}

let schema = [
    SQLiteMigration(
        version: 1, name: "batch rows",
        sql: "CREATE TABLE batch_rows(batch INTEGER, seq INTEGER, payload TEXT, PRIMARY KEY(batch, seq))"
    ),
]
// Big enough that a batch takes a while to write, so the kill usually lands inside a transaction.
let payload = String(repeating: "crash-safety payload ", count: 12)

do {
    let database = try SQLiteDatabase(path: arguments[1])
    try database.withConnection { connection in
        try connection.migrate(schema)
        var batch = (try connection.scalar("SELECT max(batch) FROM batch_rows")?.int64 ?? 0) + 1
        while true {
            try connection.transaction(.immediate) {
                let insert = try connection.prepare("INSERT INTO batch_rows(batch, seq, payload) VALUES (?, ?, ?)")
                for seq in 0..<rowsPerBatch {
                    try insert.bind([.integer(batch), SQLiteValue(seq), .text("\(payload)\(batch)/\(seq)")])
                    try insert.run()
                }
            }
            print("committed \(batch)")
            fflush(nil)
            batch += 1
        }
    }
} catch {
    FileHandle.standardError.write(Data("SQLiteCrashFixture: \(error)\n".utf8))
    exit(1)
}
