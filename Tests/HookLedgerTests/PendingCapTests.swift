import Foundation
import HookLedger
import HookTestSupport
import Testing

@Suite("SQLite ledger: webhook notices are capped per tenant x content type; the poller's never")
struct PendingCapTests {
    private func notice(_ id: String, type: String = "Audit.General") -> BlobNotice {
        BlobNotice(tenantId: "t1", clientId: nil, contentType: type, contentId: id,
                   contentUri: "https://manage.office.com/api/v1.0/t1/activity/feed/audit/\(id)",
                   contentCreated: Date(timeIntervalSince1970: 1_000), contentExpiration: Date(timeIntervalSince1970: 605_800))
    }

    @Test("beyond the cap a new webhook notice is refused, a known one is a sighting, a polled one is stored")
    func capped() async throws {
        try await withTemporaryDirectory { dir in
            let ledger = try await SQLiteLedger.open(path: dir.appendingPathComponent("ledger.db").path, maxPendingPerContentType: 2)
            let t0 = Date(timeIntervalSince1970: 2_000_000)
            #expect(try await ledger.record(["a", "b", "c"].map { self.notice($0) }, source: .webhook, at: t0)
                == RecordOutcome(inserted: 2, refused: 1))
            #expect(try await ledger.state(tenantId: "t1", contentId: "c") == nil)
            // Another content type has a cap of its own.
            #expect(try await ledger.record([self.notice("x", type: "DLP.All")], source: .webhook, at: t0) == RecordOutcome(inserted: 1))
            // The poller is never refused: it is how a refused genuine blob is found again.
            #expect(try await ledger.record([self.notice("c")], source: .poll, at: t0) == RecordOutcome(inserted: 1))
            #expect(try await ledger.record([self.notice("a"), self.notice("d")], source: .webhook, at: t0)
                == RecordOutcome(duplicates: 1, refused: 1))
            // Once blobs are no longer pending, the next count (after its age) lets new ones in again.
            for blob in try await ledger.lease(limit: 10, for: .seconds(60), now: t0) { _ = try await ledger.complete(blob, now: t0) }
            #expect(try await ledger.record([self.notice("d")], source: .webhook, at: t0.addingTimeInterval(60))
                == RecordOutcome(inserted: 1))
            await ledger.close()
        }
    }
}
