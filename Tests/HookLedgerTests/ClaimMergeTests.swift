import Foundation
import HookLedger
import HookSQLite
import HookTestSupport
import Testing

/// The SQLite ledger's recent-claims merge (``ClaimMergeSettings``) against the in-memory ledger, whose
/// claims are one dictionary: the same random claims, releases, prunes and restarts must give the same
/// answers, record by record. A claim answered "duplicate" where the oracle says "new" is a lost record.
@Suite("Record claims: recent, merging and merged agree with the in-memory ledger")
struct ClaimMergeTests {
    static let pool: [String] = (0..<400).map { index in
        // Mostly GUIDs (stored as 16 bytes), some other Ids (stored as text), in mixed case.
        index % 5 == 0 ? "audit-\(index)" : String(format: "%08X-0D7A-4C3B-9E2F-%012X", index * 7919, index)
    }

    @Test("random claims, kills, expiries, replays, prunes and restarts", arguments: [(3, 1), (16, 4), (64, 64)])
    func differential(threshold: Int, chunk: Int) async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("state.sqlite").path
            let settings = ClaimMergeSettings(mergeThreshold: threshold, chunk: chunk)
            var sqlite = try await SQLiteLedger.open(path: path, claimMerge: settings)
            let oracle = InMemoryLedger()
            let ids = (0..<24).map { "blob-\($0)" }
            let notices = ids.enumerated().map { notice($1, created: Double($0)) }
            _ = try await sqlite.record(notices, source: .webhook, at: t0)
            _ = try await oracle.record(notices, source: .webhook, at: t0)
            var leasedSQLite = try await sqlite.lease(limit: ids.count, for: .seconds(86_400), now: t0)
            var leasedOracle = try await oracle.lease(limit: ids.count, for: .seconds(86_400), now: t0)
            try #require(leasedSQLite.map(\.notice.contentId) == ids && leasedOracle.map(\.notice.contentId) == ids)

            var generator = SeededGenerator(seed: UInt64(threshold * 1_000 + chunk))
            var active = Array(0..<ids.count)
            var claimed = 0, duplicates = 0, restarts = 0, replayed = 0
            for step in 0..<700 {
                let roll = Int.random(in: 0..<100, using: &generator)
                if roll < 2, active.count > 4 {
                    // A blob that will never forward more (dead or expired) keeps its claims (issue 13 §4).
                    let index = active.remove(at: Int.random(in: 0..<active.count, using: &generator))
                    let killed = step % 2 == 0
                    let a = killed ? try await sqlite.kill(leasedSQLite[index], reason: "test") : try await sqlite.expire(leasedSQLite[index])
                    let b = killed ? try await oracle.kill(leasedOracle[index], reason: "test") : try await oracle.expire(leasedOracle[index])
                    #expect(a && b)
                } else if roll < 4 {
                    // Restart: memory is rebuilt from the file, in the middle of a merge as often as not.
                    await sqlite.close()
                    sqlite = try await SQLiteLedger.open(path: path, claimMerge: settings)
                    restarts += 1
                } else if roll < 5, active.count < ids.count {
                    // replay --dead: the killed blobs come back under their ids and claim their records afresh.
                    let a = try await sqlite.replayDead(now: t0)
                    #expect(try await oracle.replayDead(now: t0) == a)
                    replayed += a
                    for blob in try await sqlite.lease(limit: ids.count, for: .seconds(86_400), now: t0) {
                        let index = try #require(ids.firstIndex(of: blob.notice.contentId))
                        leasedSQLite[index] = blob
                        active.append(index)
                    }
                    for blob in try await oracle.lease(limit: ids.count, for: .seconds(86_400), now: t0) {
                        leasedOracle[try #require(ids.firstIndex(of: blob.notice.contentId))] = blob
                    }
                } else if roll < 6 {
                    // Prunes the oldest minutes only, so merged claims remain to be counted at the end.
                    let cutoff = t0.addingTimeInterval(Double(Int.random(in: -660...(-240), using: &generator)))
                    let a = try await sqlite.pruneRecordClaims(before: cutoff)
                    let b = try await oracle.pruneRecordClaims(before: cutoff)
                    #expect(a == b, "step \(step): pruned \(a), the oracle \(b)")
                } else {
                    let index = active[Int.random(in: 0..<active.count, using: &generator)]
                    let window = (0..<Int.random(in: 1...12, using: &generator)).map { _ in
                        var id = Self.pool[Int.random(in: 0..<Self.pool.count, using: &generator)]
                        if Bool.random(using: &generator) { id = id.lowercased() }
                        // CreationTimes over the last ten minutes; an Id keeps one time, so copies are one record.
                        let minute = id.utf8.reduce(0) { ($0 &* 31 &+ Int($1)) & 0xFFFF } % 10
                        return RecordClaim(id: id, created: id.hasPrefix("audit-1") ? nil : t0.addingTimeInterval(Double(-60 * minute)))
                    }
                    let a = try await sqlite.claimForSpool(window, blobId: leasedSQLite[index].id, now: t0)
                    let b = try await oracle.claimForSpool(window, blobId: leasedOracle[index].id, now: t0)
                    #expect(a == b, "step \(step): \(window.map(\.id)) answered \(a), the oracle \(b)")
                    claimed += a.count
                    duplicates += a.filter { $0 == .duplicate }.count
                    // The fetch stage records the window as spooled right after (most of the time: now and then
                    // a window stays ahead, as after a crash between the claim and the spool).
                    if Int.random(in: 0..<10, using: &generator) > 0 {
                        let c = try await sqlite.recordSpoolProgress(leasedSQLite[index], offset: 1)
                        let d = try await oracle.recordSpoolProgress(leasedOracle[index], offset: 1)
                        #expect(c == d)
                    }
                }
            }
            await sqlite.close()
            // The run exercised what it claims to: merges happened, duplicates and restarts too.
            let database = try await SQLiteDatabase.open(path: path)
            let merged = try await database.read { try $0.scalar("SELECT count(*) FROM record_claims")?.int64 ?? 0 }
            await database.close()
            #expect(merged > 0, "no claim was ever merged")
            #expect(duplicates > 100 && duplicates < claimed - 100, "\(duplicates) duplicates of \(claimed)")
            #expect(restarts > 5)
            #expect(replayed > 0)
        }
    }
}
