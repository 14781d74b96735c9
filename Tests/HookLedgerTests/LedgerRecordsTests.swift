import Foundation
import HookLedger
import HookTestSupport
import Testing

/// Issue 6's ledger parts (claims, parse failures, renewal, replay, backlog), against both ledgers.
@Suite("Ledger forwarding contract")
struct LedgerRecordsTests {
    static let guid = "5C6B3F1E-0D7A-4C3B-9E2F-8A1B2C3D4E5F"

    /// Records `ids` and leases them all (in contentCreated order, so the result follows `ids`).
    func leaseAll(_ ledger: any Ledger, _ ids: [String], now: Date = t0) async throws -> [LeasedBlob] {
        _ = try await ledger.record(ids.enumerated().map { notice($1, created: Double($0)) }, source: .webhook, at: now)
        let leased = try await ledger.lease(limit: ids.count, for: .seconds(60), now: now)
        try #require(leased.map(\.notice.contentId) == ids)
        return leased
    }

    /// Claims `ids` for `blob` and records its window as spooled (the fetch stage's order).
    @discardableResult
    func claimAndSpool(_ ledger: any Ledger, _ ids: [String], _ blob: LeasedBlob, now: Date = t0) async throws -> [Bool] {
        let duplicate = try await ledger.claimRecords(ids, blobId: blob.id, now: now)
        #expect(try await ledger.recordSpoolProgress(blob, offset: 1))
        return duplicate
    }

    @Test("a claim is a duplicate only for another blob whose copy is spooled, or a repeat in the same call; GUIDs ignore case",
          arguments: LedgerKind.allCases)
    func claims(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let blobs = try await self.leaseAll(ledger, ["one", "two"])
            #expect(try await ledger.claimForSpool(["a", "b", Self.guid].map { RecordClaim(id: $0, created: nil) }, blobId: blobs[0].id, now: t0)
                    == [.fresh, .fresh, .fresh])
            // Before the owner's window is in the spool, its claims suppress nothing yet: ask again.
            #expect(try await ledger.claimForSpool([RecordClaim(id: "b", created: nil)], blobId: blobs[1].id, now: t0) == [.ownerInFlight])
            #expect(try await ledger.recordSpoolProgress(blobs[0], offset: 1))
            #expect(try await ledger.claimRecords(["b", Self.guid.lowercased(), "c", "c"], blobId: blobs[1].id, now: t0)
                    == [true, true, false, true])
            // The owner re-claiming (a retry after a crash) is not a duplicate.
            #expect(try await ledger.claimRecords(["a", "b", Self.guid], blobId: blobs[0].id, now: t0) == [false, false, false])
            // A non-GUID id that merely looks like text of the GUID is a different key.
            #expect(try await ledger.claimRecords(["{\(Self.guid)}"], blobId: blobs[1].id, now: t0) == [false])
            #expect(try await ledger.claimRecords([String](), blobId: blobs[1].id, now: t0) == [])
        }
    }

    @Test("windows of several blobs claimed at once (one group commit): every Id has exactly one owner",
          arguments: LedgerKind.allCases)
    func concurrentClaims(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let blobs = try await self.leaseAll(ledger, (0..<8).map { "blob\($0)" })
            // Each blob claims 4 windows of 250 Ids drawn from a shared pool of 1,500, so most Ids are wanted
            // by several blobs at the same moment; some repeat inside one window as well.
            var generator = SeededGenerator(seed: 6)
            let windows = blobs.flatMap { blob in
                (0..<4).map { _ in (blob.id, (0..<250).map { _ in "id-\(Int.random(in: 0..<1_500, using: &generator))" }) }
            }
            // One task per blob, its windows in order as a worker does: claim, spool (recorded), and ask again
            // for the records whose owner is still spooling them.
            let results = try await withThrowingTaskGroup(of: [(Int64, [String], [Bool])].self) { group in
                for blob in blobs {
                    let mine = windows.filter { $0.0 == blob.id }
                    group.addTask {
                        var answers: [(Int64, [String], [Bool])] = []
                        for (blobId, ids) in mine {
                            let claims = ids.map { RecordClaim(id: $0, created: nil) }
                            var verdicts = try await ledger.claimForSpool(claims, blobId: blobId, now: t0)
                            #expect(try await ledger.recordSpoolProgress(blob, offset: 1))
                            var rounds = 0
                            while verdicts.contains(.ownerInFlight), rounds < 100_000 {
                                rounds += 1
                                await Task.yield()
                                let again = verdicts.indices.filter { verdicts[$0] == .ownerInFlight }
                                let answers = try await ledger.claimForSpool(again.map { claims[$0] }, blobId: blobId, now: t0)
                                for (index, verdict) in zip(again, answers) { verdicts[index] = verdict }
                            }
                            answers.append((blobId, ids, verdicts.map { $0 == .duplicate }))
                        }
                        return answers
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            var owners: [String: Set<Int64>] = [:]
            for (blobId, ids, duplicate) in results {
                var seenHere = Set<String>()
                for (id, isDuplicate) in zip(ids, duplicate) {
                    let repeatInWindow = !seenHere.insert(id).inserted
                    if repeatInWindow { #expect(isDuplicate, "a repeat within one window must be a duplicate") }
                    if !isDuplicate { owners[id, default: []].insert(blobId) }
                }
            }
            let claimed = Set(windows.flatMap(\.1))
            #expect(Set(owners.keys) == claimed, "every Id is forwarded by some blob")
            #expect(owners.values.allSatisfy { $0.count == 1 }, "no Id is forwarded by two blobs")
            // The owner re-claiming its Ids (a retry) still sees them as its own.
            if let (id, owner) = owners.first.map({ ($0.key, $0.value.first!) }) {
                #expect(try await ledger.claimRecords([id], blobId: owner, now: t0) == [false])
            }
        }
    }

    @Test("a dead or expired blob keeps the claims of records it spooled; one that died with claims ahead suppresses nothing",
          arguments: LedgerKind.allCases)
    func deadKeepsSpooledClaims(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let blobs = try await self.leaseAll(ledger, ["dead", "expired", "later", "torn"])
            try await self.claimAndSpool(ledger, ["x"], blobs[0])
            try await self.claimAndSpool(ledger, ["y"], blobs[1])
            #expect(try await ledger.kill(blobs[0], reason: "AF20051: expired"))
            #expect(try await ledger.expire(blobs[1]))
            // Their copies are in the spool: every sink gets them from there.
            #expect(try await ledger.claimRecords(["x", "y"], blobId: blobs[2].id, now: t0) == [true, true])
            // Claimed, never spooled (the window was lost), then dead: the record must come from another copy.
            _ = try await ledger.claimRecords(["z"], blobId: blobs[3].id, now: t0)
            #expect(try await ledger.kill(blobs[3], reason: "AF20052"))
            #expect(try await ledger.claimRecords(["z"], blobId: blobs[2].id, now: t0) == [false])
            #expect(try await ledger.failureReason(tenantId: blobs[0].notice.tenantId, contentId: "dead") == "AF20051: expired")
        }
    }

    @Test("claims are pruned by the records' CreationTime and only by it", arguments: LedgerKind.allCases)
    func prune(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let blobs = try await self.leaseAll(ledger, ["old", "new", "other"])
            let young = t0.addingTimeInterval(9 * 86_400)
            _ = try await ledger.claimRecords([RecordClaim(id: "o1", created: t0), RecordClaim(id: "o2", created: t0)],
                                              blobId: blobs[0].id, now: young)
            _ = try await ledger.claimRecords([RecordClaim(id: "n1", created: young)], blobId: blobs[1].id, now: young)
            #expect(try await ledger.recordSpoolProgress(blobs[1], offset: 1))
            #expect(try await ledger.pruneRecordClaims(before: t0.addingTimeInterval(86_400)) == 2)
            #expect(try await ledger.pruneRecordClaims(before: t0.addingTimeInterval(86_400)) == 0)
            // The pruned records are free again; the young one still holds.
            #expect(try await ledger.claimRecords([RecordClaim(id: "o1", created: t0), RecordClaim(id: "n1", created: young)],
                                                  blobId: blobs[2].id, now: young) == [false, true])
        }
    }

    @Test("one Id with two CreationTimes is two records; copies of a record (same Id and time) are one", arguments: LedgerKind.allCases)
    func claimKeyIsIdAndCreationTime(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let blobs = try await self.leaseAll(ledger, ["first", "second"])
            let created = t0.addingTimeInterval(-3600)
            _ = try await ledger.claimRecords([RecordClaim(id: Self.guid, created: created)], blobId: blobs[0].id, now: t0)
            #expect(try await ledger.recordSpoolProgress(blobs[0], offset: 1))
            #expect(try await ledger.claimRecords([RecordClaim(id: Self.guid.lowercased(), created: created),
                                                   RecordClaim(id: Self.guid, created: created.addingTimeInterval(7200))],
                                                  blobId: blobs[1].id, now: t0) == [true, false])
        }
    }

    @Test("parse failures are counted per blob; a sink failure does not count", arguments: LedgerKind.allCases)
    func parseFailures(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            var blob = try await self.leaseAll(ledger, ["p"])[0]
            #expect(try await ledger.recordParseFailure(blob) == 1)
            #expect(try await ledger.fail(blob, error: "sinks failed", retryAt: t0))
            blob = try #require(try await ledger.lease(limit: 1, for: .seconds(60), now: t0).first)
            #expect(try await ledger.recordParseFailure(blob) == 2)
            #expect(try await ledger.fail(blob, error: "parse", retryAt: t0))
            blob = try #require(try await ledger.lease(limit: 1, for: .seconds(60), now: t0).first)
            #expect(try await ledger.recordParseFailure(blob) == 3)
            #expect(try await ledger.kill(blob, reason: "unparseable"))
            #expect(try await ledger.replayDead(now: t0) == 1)
            blob = try #require(try await ledger.lease(limit: 1, for: .seconds(60), now: t0).first)
            #expect(blob.attempt == 1)
            #expect(try await ledger.recordParseFailure(blob) == 1)
        }
    }

    @Test("orphaned leases (a crashed run's) return to the queue at once; other states stay", arguments: LedgerKind.allCases)
    func orphanedLeases(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let blobs = try await self.leaseAll(ledger, ["held", "done", "waiting"])
            try await ledger.complete(blobs[1], now: t0)
            try await ledger.fail(blobs[2], error: "sink down", retryAt: t0.addingTimeInterval(3600))
            #expect(try await ledger.releaseOrphanedLeases() == 1)
            // Due at once, long before the 60-second lease would have expired.
            let again = try await ledger.lease(limit: 10, for: .seconds(60), now: t0)
            #expect(again.map(\.notice.contentId) == ["held"])
            #expect(try await ledger.state(tenantId: again[0].notice.tenantId, contentId: "done") == .done)
            #expect(try await ledger.state(tenantId: again[0].notice.tenantId, contentId: "waiting") == .retry)
        }
    }

    @Test("a renewed lease is not handed out again; a stale holder cannot renew", arguments: LedgerKind.allCases)
    func renewal(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let blob = try await self.leaseAll(ledger, ["long"])[0]
            #expect(try await ledger.renewLease(blob, until: t0.addingTimeInterval(600)))
            #expect(try await ledger.lease(limit: 1, for: .seconds(60), now: t0.addingTimeInterval(300)).isEmpty)
            let again = try #require(try await ledger.lease(limit: 1, for: .seconds(60), now: t0.addingTimeInterval(601)).first)
            #expect(again.attempt == 2)
            #expect(try await ledger.renewLease(blob, until: t0.addingTimeInterval(9_000)) == false)
            #expect(try await ledger.complete(again, now: t0))
            #expect(try await ledger.renewLease(again, until: t0.addingTimeInterval(9_000)) == false)
        }
    }

    @Test("replay --dead re-queues dead blobs only; replay --blob forgets the sinks' progress but skips a leased blob",
          arguments: LedgerKind.allCases)
    func replay(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let blobs = try await self.leaseAll(ledger, ["d1", "d2", "done", "busy"])
            let tenant = blobs[0].notice.tenantId
            #expect(try await ledger.kill(blobs[0], reason: "AF20050"))
            #expect(try await ledger.kill(blobs[1], reason: "AF20052"))
            try await ledger.recordSinkAccepted(blobId: blobs[2].id, sink: "file", records: 3, now: t0)
            #expect(try await ledger.complete(blobs[2], now: t0))
            #expect(try await ledger.replayDead(now: t0) == 2)
            #expect(try await ledger.replayDead(now: t0) == 0)
            #expect(try await ledger.state(tenantId: tenant, contentId: "d1") == .queued)
            #expect(try await ledger.failureReason(tenantId: tenant, contentId: "d1") == nil)

            #expect(try await ledger.replay(tenantId: tenant.uppercased(), contentId: "done", now: t0) == 1)
            #expect(try await ledger.acceptedSinks(blobId: blobs[2].id).isEmpty)
            #expect(try await ledger.replay(tenantId: nil, contentId: "busy", now: t0) == 0)
            #expect(try await ledger.replay(tenantId: "00000000-0000-0000-0000-000000000000", contentId: "done", now: t0) == 0)
            let again = try await ledger.lease(limit: 10, for: .seconds(60), now: t0)
            #expect(Set(again.map(\.notice.contentId)) == ["d1", "d2", "done"])
            #expect(again.allSatisfy { $0.attempt == 1 })
        }
    }

    @Test("each sink's backlog counts the pending blobs it has not accepted", arguments: LedgerKind.allCases)
    func backlog(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let blobs = try await self.leaseAll(ledger, ["b1", "b2", "b3"])
            try await ledger.recordSinkAccepted(blobId: blobs[0].id, sink: "file", records: 1, now: t0)
            try await ledger.recordSinkAccepted(blobId: blobs[1].id, sink: "file", records: 1, now: t0)
            try await ledger.recordSinkAccepted(blobId: blobs[1].id, sink: "hec", records: 1, now: t0)
            #expect(try await ledger.complete(blobs[1], now: t0))
            #expect(try await ledger.fail(blobs[2], error: "hec down", retryAt: t0))
            #expect(try await ledger.sinkBacklog(sinks: ["file", "hec", "new"]) == ["file": 1, "hec": 2, "new": 2])
        }
    }
}

@Suite("WorkSignal")
struct WorkSignalTests {
    @Test("a ring with nobody waiting is kept for the next waiter, once")
    func pendingRing() async {
        let signal = WorkSignal()
        signal.ring()
        signal.ring()
        #expect(await signal.wait(upTo: .seconds(30)))
        #expect(await signal.wait(upTo: .milliseconds(20)) == false)
    }

    @Test("a waiter wakes on a ring, and times out without one")
    func wakes() async {
        let signal = WorkSignal()
        async let woke = signal.wait(upTo: .seconds(30))
        signal.ring()
        #expect(await woke)
        #expect(await signal.wait(upTo: .milliseconds(10)) == false)
    }

    @Test("a cancelled waiter returns false at once")
    func cancelled() async {
        let signal = WorkSignal()
        let task = Task { await signal.wait(upTo: .seconds(60)) }
        task.cancel()
        #expect(await task.value == false)
    }
}
