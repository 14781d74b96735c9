import Foundation
import HookHTTPClient
import HookLedger
import HookTestSupport
import Testing

/// Authenticated notices whose dates or URI Microsoft could not have sent are refused per element and
/// counted by reason; the receiver's "now" is `fixtureNow` (2026-11-29T07:00Z).
@Suite("Receiver: implausible notices are refused per element")
struct PlausibilityTests {
    /// (contentId, overrides, expected reason).
    static let implausible: [(String, [String: String?], String)] = [
        ("old", ["contentCreated": "2026-11-22T04:59:00.000Z", "contentExpiration": "2026-11-29T04:59:00.000Z"],
         "contentCreated_too_old"),
        ("future", ["contentCreated": "2026-11-29T07:16:00.000Z", "contentExpiration": "2026-12-06T07:16:00.000Z"],
         "contentCreated_in_future"),
        ("late", ["contentExpiration": "2026-12-07T06:01:00.000Z"], "contentExpiration_too_late"),
        ("early", ["contentExpiration": "2026-11-29T05:00:00.000Z"], "contentExpiration_before_created"),
        ("other", ["contentUri": "https://manage.office.com/api/v1.0/\(tenantA)/activity/feed/audit/someone-else"],
         "uri_content_id"),
    ]

    @Test("each implausible element is refused and counted by reason; the plausible ones beside it are stored")
    func refusedPerElement() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger) { server, metrics in
            let client = try HTTPClient()
            defer { client.shutdown() }
            // Plausible edges: created 7 days and 1 hour ago, 10 minutes ahead, expiring 7 days + 23 hours later,
            // and a percent-encoded `$` in the URI.
            let edges = [
                element("edge-old", overrides: ["contentCreated": "2026-11-22T06:00:00.000Z", "contentExpiration": "2026-11-29T06:00:00.000Z"]),
                element("edge-future", overrides: ["contentCreated": "2026-11-29T07:10:00.000Z", "contentExpiration": "2026-12-06T07:10:00.000Z"]),
                element("edge-late", overrides: ["contentExpiration": "2026-12-07T05:00:00.000Z"]),
                element("a$1", overrides: ["contentUri": "https://manage.office.com/api/v1.0/\(tenantA)/activity/feed/audit/a%241"]),
            ]
            let bad = Self.implausible.map { element($0.0, overrides: $0.1) }
            let body = "[" + (edges + bad).joined(separator: ",") + "]"
            let response = try await client.execute(HTTPClientRequest(
                method: "POST", url: "http://127.0.0.1:\(server.port)/activity-webhook",
                headers: ["Content-Type": "application/json; utf-8", "Webhook-AuthID": authId], body: Array(body.utf8)))
            #expect(response.status == 200)
            for id in ["edge-old", "edge-future", "edge-late", "a$1"] {
                #expect(try await ledger.state(tenantId: tenantA, contentId: id) == .queued, "\(id)")
            }
            let rendered = metrics.registry.render()
            for (id, _, reason) in Self.implausible {
                #expect(try await ledger.state(tenantId: tenantA, contentId: id) == nil, "\(id)")
                #expect(rendered.contains(#"activityhook_rejected_elements_total{reason="\#(reason)"} 1"#), "\(reason)")
            }
        }
    }

    @Test("a notification of implausible elements only is answered 400 and stores nothing")
    func allImplausible() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger) { server, _ in
            let body = "[" + Self.implausible.map { element($0.0, overrides: $0.1) }.joined(separator: ",") + "]"
            let status = try await rawStatus(server.port, body: Array(body.utf8))
            #expect(status == 400)
            let stored = try await blobCount(ledger)
            #expect(stored == 0)
        }
    }

    @Test("beyond the pending cap, new elements are refused and counted as pending_cap; the answer stays 200")
    func pendingCap() async throws {
        try await withTemporaryDirectory { dir in
            let ledger = try await SQLiteLedger.open(path: dir.appendingPathComponent("ledger.db").path, maxPendingPerContentType: 2)
            try await withReceiver(ledger: ledger) { server, metrics in
                let body = "[" + ["f1", "f2", "f3"].map { element($0) }.joined(separator: ",") + "]"
                let status = try await rawStatus(server.port, body: Array(body.utf8))
                let refused = try await ledger.state(tenantId: tenantA, contentId: "f3")
                #expect(status == 200)
                #expect(refused == nil)
                #expect(metrics.registry.render().contains(#"activityhook_rejected_elements_total{reason="pending_cap"} 1"#))
            }
            await ledger.close()
        }
    }
}
