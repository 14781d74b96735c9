import Foundation
import HookLedger
import HookTestSupport
import Testing

/// The same contract, run against the SQLite ledger (in its own temp dir) and the in-memory one.
enum LedgerKind: String, CaseIterable, CustomTestStringConvertible {
    /// `sqliteMerging`: record claims are merged after every 3 (2 per commit), so the contract is checked
    /// with claims in every stage: recent, frozen for a merge, and merged.
    case sqlite, sqliteMerging, memory
    var testDescription: String { self.rawValue }

    func withLedger(_ body: (any Ledger) async throws -> Void) async throws {
        switch self {
        case .memory: try await body(InMemoryLedger())
        case .sqlite, .sqliteMerging:
            try await withTemporaryDirectory { dir in
                let merge = self == .sqlite ? ClaimMergeSettings() : ClaimMergeSettings(mergeThreshold: 3, chunk: 2)
                let ledger = try await SQLiteLedger.open(path: dir.appendingPathComponent("state.sqlite").path, claimMerge: merge)
                try await body(ledger)
                await ledger.close()
            }
        }
    }
}

let t0 = Date(timeIntervalSince1970: 1_795_000_000)

func notice(_ id: String, tenant: String = "11111111-2222-3333-4444-555555555555", created: TimeInterval = 0,
            expires: TimeInterval = 7 * 86_400) -> BlobNotice {
    BlobNotice(tenantId: tenant, clientId: "c", contentType: "Audit.General", contentId: id,
               contentUri: "https://manage.office.com/api/v1.0/\(tenant)/activity/feed/audit/\(id)",
               contentCreated: t0.addingTimeInterval(created), contentExpiration: t0.addingTimeInterval(expires))
}

@Suite("Ledger contract")
struct LedgerContractTests {
    @Test("a duplicate notice never creates a second blob and never resets a done one", arguments: LedgerKind.allCases)
    func duplicates(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            #expect(try await ledger.record([notice("a"), notice("b")], source: .webhook, at: t0) == RecordOutcome(inserted: 2))
            #expect(try await ledger.record([notice("a")], source: .poll, at: t0) == RecordOutcome(duplicates: 1))
            let leased = try await ledger.lease(limit: 10, for: .seconds(60), now: t0)
            #expect(leased.count == 2)
            #expect(try await ledger.complete(leased[0], now: t0))
            let doneId = leased[0].notice.contentId
            #expect(try await ledger.record([notice(doneId)], source: .webhook, at: t0) == RecordOutcome(duplicates: 1))
            #expect(try await ledger.state(tenantId: leased[0].notice.tenantId, contentId: doneId) == .done)
            #expect(try await ledger.lease(limit: 10, for: .seconds(60), now: t0.addingTimeInterval(3600)).map(\.notice.contentId)
                    == [leased[1].notice.contentId])  // only the other one's expired lease comes back
        }
    }

    @Test("leases go oldest contentCreated first, taking turns across tenants", arguments: LedgerKind.allCases)
    func fairOrder(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let a = "aaaaaaaa-0000-0000-0000-000000000000"
            let b = "bbbbbbbb-0000-0000-0000-000000000000"
            _ = try await ledger.record([notice("a3", tenant: a, created: 30), notice("a1", tenant: a, created: 10), notice("a2", tenant: a, created: 20),
                                         notice("b2", tenant: b, created: 200), notice("b1", tenant: b, created: 100)], source: .webhook, at: t0)
            let first = try await ledger.lease(limit: 4, for: .seconds(60), now: t0)
            #expect(first.map(\.notice.contentId) == ["a1", "b1", "a2", "b2"])
            let rest = try await ledger.lease(limit: 4, for: .seconds(60), now: t0)
            #expect(rest.map(\.notice.contentId) == ["a3"])
        }
    }

    @Test("an expired lease returns the blob; the stale holder can no longer finish it", arguments: LedgerKind.allCases)
    func leaseExpiry(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            _ = try await ledger.record([notice("x")], source: .webhook, at: t0)
            let first = try #require(try await ledger.lease(limit: 1, for: .seconds(30), now: t0).first)
            #expect(try await ledger.lease(limit: 1, for: .seconds(30), now: t0.addingTimeInterval(10)).isEmpty)
            let second = try #require(try await ledger.lease(limit: 1, for: .seconds(30), now: t0.addingTimeInterval(31)).first)
            #expect(second.attempt == first.attempt + 1)
            #expect(try await ledger.complete(first, now: t0) == false)
            #expect(try await ledger.complete(second, now: t0))
        }
    }

    @Test("fail schedules a retry at its time; kill and expire are final; release gives the attempt back",
          arguments: LedgerKind.allCases)
    func outcomes(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            _ = try await ledger.record([notice("r"), notice("k"), notice("e"), notice("s")], source: .poll, at: t0)
            let leased = Dictionary(uniqueKeysWithValues: try await ledger.lease(limit: 4, for: .seconds(60), now: t0)
                .map { ($0.notice.contentId, $0) })
            #expect(try await ledger.fail(leased["r"]!, error: "AF50000", retryAt: t0.addingTimeInterval(120)))
            #expect(try await ledger.kill(leased["k"]!, reason: "AF20051 content expired"))
            #expect(try await ledger.expire(leased["e"]!))
            try await ledger.release(leased["s"]!)
            let tenant = leased["r"]!.notice.tenantId
            #expect(try await ledger.state(tenantId: tenant, contentId: "r") == .retry)
            #expect(try await ledger.state(tenantId: tenant, contentId: "k") == .dead)
            #expect(try await ledger.state(tenantId: tenant, contentId: "e") == .expired)
            let early = try await ledger.lease(limit: 4, for: .seconds(600), now: t0.addingTimeInterval(60))
            #expect(early.map(\.notice.contentId) == ["s"])
            #expect(early.first?.attempt == 1)
            let late = try await ledger.lease(limit: 4, for: .seconds(60), now: t0.addingTimeInterval(121))
            #expect(late.map(\.notice.contentId) == ["r"])
        }
    }

    @Test("per-sink progress and the operator summary", arguments: LedgerKind.allCases)
    func sinksAndSummary(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            _ = try await ledger.record([notice("p", expires: 3600), notice("q")], source: .webhook, at: t0)
            let leased = try await ledger.lease(limit: 1, for: .seconds(60), now: t0)
            try await ledger.recordSinkAccepted(blobId: leased[0].id, sink: "archive", records: 12, now: t0)
            try await ledger.recordSinkAccepted(blobId: leased[0].id, sink: "sentinel", records: 12, now: t0)
            #expect(try await ledger.acceptedSinks(blobId: leased[0].id) == ["archive", "sentinel"])
            let summary = try await ledger.summary(now: t0.addingTimeInterval(60))
            #expect(summary.total(.queued) == 1)
            #expect(summary.total(.leased) == 1)
            #expect(summary.oldestPendingSince == t0)
            #expect(summary.expiringWithin24h == 1)
            // The same per tenant and content type; a second tenant seen later has its own oldest.
            let other = "99999999-2222-3333-4444-555555555555"
            _ = try await ledger.record([notice("z", tenant: other)], source: .poll, at: t0.addingTimeInterval(30))
            let split = try await ledger.summary(now: t0.addingTimeInterval(60)).pending
            #expect(split == [
                PendingStats(tenantId: "11111111-2222-3333-4444-555555555555", contentType: "Audit.General", oldestSince: t0, expiringWithin24h: 1),
                PendingStats(tenantId: other, contentType: "Audit.General", oldestSince: t0.addingTimeInterval(30), expiringWithin24h: 0),
            ])
            try await ledger.checkWritable()
        }
    }
}
