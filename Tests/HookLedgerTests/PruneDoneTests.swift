import Foundation
import HookLedger
import HookTestSupport
import Testing

@Suite("SQLite ledger: done blobs are pruned after their retention")
struct PruneDoneTests {
    private func notice(_ id: String) -> BlobNotice {
        BlobNotice(tenantId: "t1", clientId: nil, contentType: "Audit.General", contentId: id,
                   contentUri: "https://manage.office.com/api/v1.0/t1/activity/feed/audit/\(id)",
                   contentCreated: Date(timeIntervalSince1970: 1_000), contentExpiration: Date(timeIntervalSince1970: 605_800))
    }

    @Test("only blobs done before the cutoff are deleted; queued, retrying, dead and recently done ones stay")
    func onlyOldDone() async throws {
        try await withTemporaryDirectory { dir in
            let ledger = try await SQLiteLedger.open(path: dir.appendingPathComponent("ledger.db").path)
            let t0 = Date(timeIntervalSince1970: 2_000_000)
            _ = try await ledger.record(["old1", "old2", "recent", "queued", "retry", "dead"].map(self.notice), source: .webhook, at: t0)
            let leased = Dictionary(uniqueKeysWithValues: try await ledger.lease(limit: 10, for: .seconds(60), now: t0)
                .map { ($0.notice.contentId, $0) })
            _ = try await ledger.complete(leased["old1"]!, now: t0)
            _ = try await ledger.complete(leased["old2"]!, now: t0.addingTimeInterval(10))
            _ = try await ledger.complete(leased["recent"]!, now: t0.addingTimeInterval(100))
            _ = try await ledger.fail(leased["retry"]!, error: "x", retryAt: t0)
            _ = try await ledger.kill(leased["dead"]!, reason: "x")
            try await ledger.release(leased["queued"]!)
            #expect(try await ledger.pruneDone(before: t0.addingTimeInterval(50)) == 2)
            #expect(try await ledger.state(tenantId: "t1", contentId: "old1") == nil)
            #expect(try await ledger.state(tenantId: "t1", contentId: "old2") == nil)
            #expect(try await ledger.state(tenantId: "t1", contentId: "recent") == .done)
            #expect(try await ledger.state(tenantId: "t1", contentId: "queued") == .queued)
            #expect(try await ledger.state(tenantId: "t1", contentId: "retry") == .retry)
            #expect(try await ledger.state(tenantId: "t1", contentId: "dead") == .dead)
            #expect(try await ledger.pruneDone(before: t0.addingTimeInterval(50)) == 0)
            await ledger.close()
        }
    }
}
