import Foundation
import HookSQLite
import HookTestSupport
import Testing

@Suite("Crash safety: SIGKILL in the middle of a transaction")
struct SQLiteCrashTests {
    static let rowsPerBatch = 250

    @Test("every reported batch survives whole and no partial batch exists, across 3 kills of the same file")
    func survivesSIGKILL() async throws {
        let fixture = try TestBinaries.require("SQLiteCrashFixture")
        try await withTemporaryDirectory("hooksqlite-crash") { directory in
            let path = directory.appendingPathComponent("crash.db").path
            var previousMaximum: Int64 = 0
            for round in 1...3 {
                let wanted = Int.random(in: 5...60)
                let (beforeKill, reported) = try await Self.runAndKill(fixture, path: path, after: wanted)
                #expect(beforeKill == wanted, "round \(round): the child reported \(beforeKill) of \(wanted) batches")
                // The child continues after the highest batch already in the file.
                #expect(reported.first == previousMaximum + 1, "round \(round): first batch \(reported.first ?? -1)")
                previousMaximum = try await Self.verify(path: path, reported: reported, beforeKill: beforeKill, round: round)
            }
        }
    }

    /// Starts the fixture, reads `committed k` lines until `wanted` have arrived, then SIGKILLs it.
    ///
    /// Returns how many reports arrived before the kill, and every batch the child reported: it keeps
    /// committing while the test reads, so lines it printed before dying are still in the pipe.
    private static func runAndKill(_ fixture: URL, path: String, after wanted: Int) async throws -> (Int, [Int64]) {
        let child = try ChildProcess(fixture, [path, "\(Self.rowsPerBatch)"])
        var reported: [Int64] = []
        func record(_ line: String) {
            if line.hasPrefix("committed "), let batch = Int64(line.dropFirst("committed ".count)) {
                reported.append(batch)
            }
        }
        while reported.count < wanted, let line = await child.nextLine() { record(line) }
        let beforeKill = reported.count
        // The child never pauses between batches: this kill lands inside (or just around) a transaction.
        child.signal(SIGKILL)
        _ = await child.waitForExit()
        #expect(child.terminationSignal == SIGKILL,
                "the child must die from SIGKILL, not exit on its own")
        while let line = await child.nextLine() { record(line) }
        return (beforeKill, reported)
    }

    /// Reopens the killed child's database and checks it; returns the highest batch in it.
    private static func verify(path: String, reported: [Int64], beforeKill: Int, round: Int) async throws -> Int64 {
        let database = try await SQLiteDatabase.open(path: path)
        let (integrity, rows) = try await database.read { connection in
            (try connection.query("PRAGMA integrity_check").map { $0[0] },
             try connection.query("SELECT batch, count(*) FROM batch_rows GROUP BY batch ORDER BY batch"))
        }
        await database.close()
        #expect(integrity == ["ok"])
        var counts: [Int64: Int64] = [:]
        for row in rows { counts[row[0].int64 ?? -1] = row[1].int64 ?? -1 }
        let maximum = counts.keys.max() ?? 0
        let last = reported.last ?? 0
        let partial = counts.filter { $0.value != Int64(Self.rowsPerBatch) }
        let missing = reported.filter { counts[$0] != Int64(Self.rowsPerBatch) }
        print("crash round \(round): killed after \(beforeKill) reports; child reported \(reported.count) batches "
              + "(\(reported.first ?? 0)...\(last)) of \(Self.rowsPerBatch) rows; database holds "
              + "\(counts.count) batches (1...\(maximum)), \(partial.count) partial, \(missing.count) reported but missing")
        #expect(missing.isEmpty, "round \(round): reported batches not fully present: \(missing)")
        #expect(partial.isEmpty, "round \(round): partial batches (batch: rows): \(partial)")
        #expect(counts.keys.sorted() == Array(1...max(maximum, 1)), "round \(round): batches are not 1...\(maximum)")
        // At most one batch committed after the last report (killed between COMMIT and print).
        #expect(maximum == last || maximum == last + 1, "round \(round): max batch \(maximum), last reported \(last)")
        return maximum
    }
}
