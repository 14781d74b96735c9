import Foundation
import HookLedger
import HookTestSupport
import Testing

/// Issue 13 §3: leasing is fair across tenants and puts the alert content types first.
@Suite("Lease order: tenants take turns, priority content types first")
struct LeaseFairnessTests {
    func blob(_ tenant: String, _ id: String, type: String = "Audit.Exchange", created: Date) -> BlobNotice {
        BlobNotice(tenantId: tenant, contentType: type, contentId: id, contentUri: "https://manage.office.com/api/v1.0/\(tenant)/activity/feed/audit/\(id)",
                   contentCreated: created, contentExpiration: created.addingTimeInterval(7 * 86_400))
    }

    @Test("a tenant with 5,000 queued blobs does not starve another tenant's new blob", arguments: LedgerKind.allCases)
    func fairness(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let a = "aaaaaaaa-0000-0000-0000-000000000000", b = "bbbbbbbb-0000-0000-0000-000000000000"
            let backlog = (0..<5_000).map { self.blob(a, "a-\($0)", created: t0.addingTimeInterval(Double(-10_000 + $0))) }
            _ = try await ledger.record(backlog, source: .poll, at: t0)
            // One worker frees up at a time and leases one blob: A's are older, but B's new blob comes next.
            let first = try await ledger.lease(limit: 1, for: .seconds(300), now: t0)
            _ = try await ledger.record([self.blob(b, "b-new", created: t0)], source: .webhook, at: t0)
            let second = try await ledger.lease(limit: 1, for: .seconds(300), now: t0)
            let third = try await ledger.lease(limit: 1, for: .seconds(300), now: t0)
            #expect(first.map(\.notice.tenantId) == [a])
            #expect(second.map(\.notice.contentId) == ["b-new"], "B's blob waited behind A's backlog: \(second.map(\.notice.contentId))")
            #expect(third.map(\.notice.tenantId) == [a])
        }
    }

    @Test("within a tenant, Audit.General and DLP.All are leased before older bulk content", arguments: LedgerKind.allCases)
    func priority(kind: LedgerKind) async throws {
        try await kind.withLedger { ledger in
            let tenant = "cccccccc-0000-0000-0000-000000000000"
            let bulk = (0..<50).map { self.blob(tenant, "sp-\($0)", type: "Audit.SharePoint", created: t0.addingTimeInterval(Double(-5_000 + $0))) }
            _ = try await ledger.record(bulk + [self.blob(tenant, "dlp", type: "DLP.All", created: t0),
                                                self.blob(tenant, "general", type: "Audit.General", created: t0.addingTimeInterval(1))],
                                        source: .poll, at: t0)
            let leased = try await ledger.lease(limit: 3, for: .seconds(300), now: t0)
            #expect(leased.map(\.notice.contentId) == ["general", "dlp", "sp-0"])
            // workers.priority can change the order.
            _ = try await ledger.record([self.blob(tenant, "exchange", type: "Audit.Exchange", created: t0)], source: .poll, at: t0)
            let custom = try await ledger.lease(limit: 1, for: .seconds(300), now: t0, priority: ["audit.exchange"])
            #expect(custom.map(\.notice.contentId) == ["exchange"])
        }
    }
}
