import Foundation
import HookLedger
import HookSQLite
import HookTestSupport
import Testing

@Suite("SQLite ledger specifics")
struct SQLiteLedgerTests {
    @Test("the state file is created with mode 0600")
    func fileMode() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("state.sqlite").path
            let ledger = try await SQLiteLedger.open(path: path)
            _ = try await ledger.record([notice("m")], source: .webhook, at: t0)
            let attributes = try FileManager.default.attributesOfItem(atPath: path)
            #expect((attributes[.posixPermissions] as? NSNumber)?.intValue == 0o600)
            await ledger.close()
        }
    }

    @Test("concurrent record calls share commits (group commit) and every notice is stored")
    func groupCommit() async throws {
        try await withTemporaryDirectory { dir in
            let ledger = try await SQLiteLedger.open(path: dir.appendingPathComponent("state.sqlite").path)
            let callers = 400
            try await withThrowingTaskGroup(of: RecordOutcome.self) { group in
                for index in 0..<callers {
                    group.addTask { try await ledger.record([notice("g\(index)"), notice("g\(index)")], source: .webhook, at: t0) }
                }
                var total = RecordOutcome()
                for try await outcome in group {
                    total.inserted += outcome.inserted
                    total.duplicates += outcome.duplicates
                }
                #expect(total == RecordOutcome(inserted: callers, duplicates: callers))
            }
            let stats = ledger.groupCommitStats
            #expect(stats.batches == callers)
            #expect(stats.transactions < callers, "no batching happened: \(stats.transactions) transactions")
            print("group commit: \(callers) record calls in \(stats.transactions) transactions")
            let summary = try await ledger.summary(now: t0)
            #expect(summary.total(.queued) == callers)
            await ledger.close()
        }
    }

    @Test("records survive closing and reopening the file")
    func durableAcrossReopen() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("state.sqlite").path
            let ledger = try await SQLiteLedger.open(path: path)
            _ = try await ledger.record((0..<50).map { notice("d\($0)") }, source: .backfill, at: t0)
            await ledger.close()
            let reopened = try await SQLiteLedger.open(path: path)
            #expect(try await reopened.summary(now: t0).total(.queued) == 50)
            await reopened.close()
        }
    }
}
