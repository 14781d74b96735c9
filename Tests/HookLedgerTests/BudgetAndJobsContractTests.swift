import Foundation
import HookLedger
import Testing

/// The shared request budget and the backfill jobs, the same contract for the SQLite and in-memory ledgers.
@Suite("Ledger contract: request budget and backfill jobs")
struct BudgetAndJobsContractTests {
    let tenant = "11111111-2222-3333-4444-555555555555"

    @Test("grants never add up past the limit within a window after their last usable instant", arguments: LedgerKind.allCases)
    func budget(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let store = try #require(ledger as? any RequestBudgetStore)
            func reserve(_ calls: Int, at seconds: TimeInterval) async throws -> BudgetGrant {
                try await store.reserveCalls(tenantId: self.tenant, calls: calls, limit: 10, window: .seconds(60),
                                             validity: .seconds(5), now: t0.addingTimeInterval(seconds))
            }
            #expect(try await reserve(6, at: 0) == .granted(calls: 6, usableUntil: t0.addingTimeInterval(5)))
            #expect(try await reserve(6, at: 1) == .granted(calls: 4, usableUntil: t0.addingTimeInterval(6)))  // what is left
            // Spent: the first grant leaves the count a window after its last usable instant (5 s + 60 s).
            func retryAt(_ grant: BudgetGrant) -> TimeInterval? {
                if case .wait(let at) = grant { return at.timeIntervalSince(t0) }
                return nil
            }
            #expect(try await retryAt(reserve(1, at: 30)).map { abs($0 - 65.001) < 0.0005 } == true)
            #expect(try await retryAt(reserve(1, at: 64)).map { abs($0 - 65.001) < 0.0005 } == true)
            #expect(try await reserve(9, at: 65.5) == .granted(calls: 6, usableUntil: t0.addingTimeInterval(70.5)))
            // Another tenant has a budget of its own.
            let other = try await store.reserveCalls(tenantId: "aaaaaaaa-0000-0000-0000-000000000000", calls: 3, limit: 10,
                                                     window: .seconds(60), validity: .seconds(5), now: t0)
            #expect(other == .granted(calls: 3, usableUntil: t0.addingTimeInterval(5)))
        }
    }

    @Test("a job is queued, claimed once, counts its windows and blobs, and shows forwarding", arguments: LedgerKind.allCases)
    func jobs(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let jobs = try #require(ledger as? any BackfillJobStore)
            let id = try await jobs.addBackfillJob(BackfillRequest(since: t0, tenantId: self.tenant.uppercased()), now: t0)
            #expect(try await jobs.backfillJob(id: id)?.state == .queued)
            #expect(try await jobs.backfillJob(id: id)?.request.tenantId == self.tenant)
            let claimed = try #require(try await jobs.claimBackfillJob(now: t0))
            #expect(claimed.id == id && claimed.state == .running)
            #expect(try await jobs.claimBackfillJob(now: t0) == nil)
            try await jobs.setBackfillWindows(jobId: id, total: 3)
            _ = try await ledger.record([notice("a"), notice("b")], source: .backfill, at: t0)
            try await jobs.addBackfillWindow(jobId: id, tenantId: self.tenant, contentIds: ["a", "b"])
            try await jobs.addBackfillWindow(jobId: id, tenantId: self.tenant, contentIds: ["b"])
            var job = try #require(try await jobs.backfillJob(id: id))
            #expect((job.windowsTotal, job.windowsListed, job.blobsFound, job.blobsForwarded) == (3, 2, 2, 0))
            try await jobs.finishBackfillJob(jobId: id, error: nil, now: t0)
            #expect(try await jobs.backfillJob(id: id)?.isFinished == false)
            for blob in try await ledger.lease(limit: 10, for: .seconds(60), now: t0) { _ = try await ledger.complete(blob, now: t0) }
            job = try #require(try await jobs.backfillJob(id: id))
            #expect(job.state == .listed && job.blobsForwarded == 2 && job.isFinished)
            #expect(try await jobs.backfillJobs(limit: 5).map(\.id) == [id])
        }
    }

    @Test("a job left running by a crashed serve is queued again with its progress reset", arguments: LedgerKind.allCases)
    func requeue(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let jobs = try #require(ledger as? any BackfillJobStore)
            let id = try await jobs.addBackfillJob(BackfillRequest(since: t0), now: t0)
            _ = try await jobs.claimBackfillJob(now: t0)
            try await jobs.addBackfillWindow(jobId: id, tenantId: self.tenant, contentIds: ["a"])
            #expect(try await jobs.requeueRunningBackfillJobs() == 1)
            let job = try #require(try await jobs.backfillJob(id: id))
            #expect(job.state == .queued && job.windowsListed == 0 && job.blobsFound == 0)
            #expect(try await jobs.claimBackfillJob(now: t0)?.id == id)
        }
    }
}
