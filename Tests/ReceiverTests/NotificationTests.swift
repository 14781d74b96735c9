import Foundation
import HookHTTPClient
import HookLedger
import HookTestSupport
import Testing

@Suite("Receiver: notifications are stored before the 200")
struct NotificationTests {
    private func post(_ client: HTTPClient, _ port: UInt16, _ body: String,
                      contentType: String = "application/json; utf-8") async throws -> HTTPClientResponse {
        try await client.execute(HTTPClientRequest(
            method: "POST", url: "http://127.0.0.1:\(port)/activity-webhook",
            headers: ["Content-Type": contentType, "webhook-authid": authId], body: Array(body.utf8)))
    }

    @Test("a valid array is committed, then answered 200 with an empty body")
    func stored() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger) { server, _ in
            let client = try HTTPClient()
            defer { client.shutdown() }
            let upper = element("b2", overrides: ["tenantId": tenantA.uppercased(),
                                                   "contentUri": "https://MANAGE.office.com/api/v1/\(tenantA.uppercased())/activity/feed/audit/b2"])
            let response = try await self.post(client, server.port, "[\(element("b1")),\(upper),\(element("b3", overrides: ["contentType": "dlp.all"]))]")
            #expect(response.status == 200)
            #expect(response.body.isEmpty)
            for id in ["b1", "b2", "b3"] { #expect(try await ledger.state(tenantId: tenantA, contentId: id) == .queued) }
        }
    }

    @Test("a bad element is rejected and counted while the rest of the array is stored")
    func partial() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger) { server, metrics in
            let client = try HTTPClient()
            defer { client.shutdown() }
            let forged = element("evil", overrides: ["contentUri": "https://evil.example/api/v1.0/\(tenantA)/activity/feed/audit/evil"])
            let response = try await self.post(client, server.port, "[\(element("good")),\(forged)]")
            #expect(response.status == 200)
            #expect(try await ledger.state(tenantId: tenantA, contentId: "good") == .queued)
            #expect(try await ledger.state(tenantId: tenantA, contentId: "evil") == nil)
            #expect(metrics.registry.render().contains(#"activityhook_rejected_elements_total{reason="uri_host"} 1"#))
        }
    }

    @Test("the same array posted 5 times leaves one blob per contentId, seen again 4 times")
    func duplicates() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger) { server, _ in
            let client = try HTTPClient()
            defer { client.shutdown() }
            let body = "[\(element("d1")),\(element("d2"))]"
            for _ in 0..<5 { #expect(try await self.post(client, server.port, body).status == 200) }
            #expect(try await blobCount(ledger) == 2)
            #expect(ledger.seenAgain(tenantId: tenantA, contentId: "d1") == 4)
            #expect(ledger.seenAgain(tenantId: tenantA, contentId: "d2") == 4)
        }
    }

    @Test("when the ledger cannot commit, the answer is 503 (never 200) and healthz says why")
    func ledgerDown() async throws {
        let ledger = InMemoryLedger()
        ledger.failWrites.withLock { $0 = LedgerError("disk full", isTransient: true) }
        try await withReceiver(ledger: ledger) { server, _ in
            let client = try HTTPClient()
            defer { client.shutdown() }
            #expect(try await self.post(client, server.port, "[\(element())]").status == 503)
            let health = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/healthz"))
            #expect(health.status == 503)
            #expect(String(decoding: health.body, as: UTF8.self).contains("disk full"))
            ledger.failWrites.withLock { $0 = nil }
            #expect(try await self.post(client, server.port, "[\(element())]").status == 200)
            #expect(try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/healthz")).status == 200)
        }
    }

    @Test("the validation handshake answers 200 at once and stores nothing")
    func handshake() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger) { server, metrics in
            let client = try HTTPClient()
            defer { client.shutdown() }
            let response = try await client.execute(HTTPClientRequest(
                method: "POST", url: "http://127.0.0.1:\(server.port)/activity-webhook",
                headers: ["Content-Type": "application/json; charset=utf-8", "Webhook-AuthID": authId, "Webhook-ValidationCode": "v-123"],
                body: Array(#"{"validationCode":"v-123","tenantId":"\#(tenantA)"}"#.utf8)))
            #expect(response.status == 200)
            #expect(try await blobCount(ledger) == 0)
            #expect(metrics.registry.render().contains(#"activityhook_validations_total{result="ok"} 1"#))
        }
    }

    @Test("/metrics exposes notifications, ledger blobs by state and the latency histogram")
    func metricsExposition() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger) { server, _ in
            let client = try HTTPClient()
            defer { client.shutdown() }
            _ = try await self.post(client, server.port, "[\(element("m1")),\(element("m2"))]")
            let text = String(decoding: try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/metrics")).body,
                              as: UTF8.self)
            #expect(text.contains(#"activityhook_notifications_total{result="stored"} 1"#))
            #expect(text.contains(#"activityhook_ledger_blobs{state="queued"} 2"#))
            #expect(text.contains(#"activityhook_blobs_recorded_total{outcome="new"} 2"#))
            #expect(text.contains("activityhook_webhook_request_seconds_count 1"))
            #expect(text.contains("# TYPE activityhook_webhook_request_seconds histogram"))
            // Notification delay per tenant and content type; and what is pending, per pair too.
            #expect(text.contains(#"activityhook_notification_delay_seconds_count{content_type="Audit.General",tenant="\#(tenantA)"} 2"#), "\(text)")
            #expect(text.contains(#"activityhook_ledger_expiring_24h_blobs{content_type="Audit.General",tenant="\#(tenantA)"}"#), "\(text)")
        }
    }
}
