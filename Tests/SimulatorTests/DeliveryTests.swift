import Foundation
import HookHTTPClient
import HookHTTPServer
import HookSimulator
import HookTestSupport
import SimulatorTestSupport
import Testing

/// Issue point 4: notification delivery, retries, disabling, expiry, never-notify, HTTPS + mTLS.
@Suite struct DeliveryTests {
    func subscribe(_ sim: Sim, _ token: String, _ address: String, _ hook: TestWebhook, expiration: String = "") async throws {
        async let started = sim.start("Audit.General", token: token,
                                      webhook: #"{"webhook":{"address":"\#(address)","authId":"hook-auth","expiration":"\#(expiration)"}}"#)
        _ = try await hook.next()  // the validation request
        #expect(try await started.status == 200)
    }

    @Test func notificationsCarryBlobsAndAuthId() async throws {
        try await withTemporaryDirectory { _ in
            let hook = TestWebhook()
            try await withWebhook(hook) { address in
                try await withSimulator(Sim.scenario(settings: #","maxBlobsPerNotification":3"#)) { sim in
                    let token = try await sim.token()
                    try await self.subscribe(sim, token, address, hook)
                    let published = try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":7}"#)
                    var notified: [String] = []
                    while notified.count < 7 {
                        let request = try await hook.next()
                        #expect(request.headers["Webhook-AuthID"] == "hook-auth")
                        #expect(request.headers["Content-Type"] == "application/json; utf-8")
                        let array = try #require(try JSONSerialization.jsonObject(with: Data(request.body)) as? [[String: Any]])
                        #expect((1...3).contains(array.count))
                        for item in array {
                            #expect(item["tenantId"] as? String == tenantA && item["clientId"] as? String == appA)
                            #expect(item["contentUri"] is String && item["contentExpiration"] is String)
                            notified.append(item["contentId"] as? String ?? "")
                        }
                    }
                    #expect(Set(notified) == Set(published.compactMap { $0["contentId"] as? String }))
                    let history = try await sim.request("GET", "\(sim.feed())/subscriptions/notifications?contentType=Audit.General", token: token)
                    let entries = try #require(try json(history) as? [[String: Any]])
                    #expect(entries.count == 7 && entries.allSatisfy { $0["notificationStatus"] as? String == "success" })
                }
            }
        }
    }

    @Test func webhookDisabledAfterConsecutiveFailures() async throws {
        try await withTemporaryDirectory { _ in
            let hook = TestWebhook()
            try await withWebhook(hook) { address in
                try await withSimulator(Sim.scenario(settings: #","disableAfterFailures":4"#)) { sim in
                    let token = try await sim.token()
                    try await self.subscribe(sim, token, address, hook)
                    hook.status.store(500, ordering: .relaxed)
                    _ = try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":1}"#)
                    for _ in 0..<4 { _ = try await hook.next() }  // the first try and three retries
                    // The fourth failure is counted in the same store update that disables the webhook.
                    #expect(try await waitForSimulatorCounter(url: sim.url, http: sim.client, "notificationsFailed", atLeast: 4))
                    let list = try #require(try json(try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: token)) as? [[String: Any]])
                    #expect((list.first?["webhook"] as? [String: Any])?["status"] as? String == "disabled")
                    let failed = (try await sim.counters())["notificationsFailed"] as? [String: Int]
                    #expect(failed?[address] == 4)
                    // /start with the same webhook re-enables it (after a new handshake).
                    hook.status.store(200, ordering: .relaxed)
                    try await self.subscribe(sim, token, address, hook)
                }
            }
        }
    }

    @Test func expirationAndNeverNotify() async throws {
        try await withTemporaryDirectory { _ in
            let hook = TestWebhook()
            try await withWebhook(hook) { address in
                try await withSimulator(Sim.scenario(settings: #","neverNotifyRate":1"#)) { sim in
                    let token = try await sim.token()
                    let expiry = ISO8601DateFormatter().string(from: Date().addingTimeInterval(1800))
                    try await self.subscribe(sim, token, address, hook, expiration: expiry)
                    _ = try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":4}"#)
                    #expect((try await sim.counters())["notificationsNeverSent"] as? Int == 4)
                    let listed = try #require(try json(try await sim.request("GET", "\(sim.feed())/subscriptions/content?contentType=Audit.General", token: token)) as? [Any])
                    #expect(listed.count == 4)  // only polling finds them
                    _ = try await sim.control("POST", "clock", #"{"advanceSeconds":3600}"#)
                    let list = try #require(try json(try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: try await sim.token())) as? [[String: Any]])
                    #expect((list.first?["webhook"] as? [String: Any])?["status"] as? String == "expired")
                }
            }
        }
    }

    @Test func httpsWebhookWithClientCertificate() async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir.appendingPathComponent("pki"))
            let tls = HTTPServerConfiguration.TLS(
                certificatePEM: try String(contentsOfFile: pki.serverCertificate, encoding: .utf8),
                privateKeyPEM: try String(contentsOfFile: pki.serverKey, encoding: .utf8),
                clientCAPEM: try String(contentsOfFile: pki.caCertificate, encoding: .utf8))
            let hook = TestWebhook()
            try await withWebhook(hook, tls: tls) { address in
                let clientTLS = WebhookClientTLS(caFile: pki.caCertificate, certificateFile: pki.clientCertificate, keyFile: pki.clientKey)
                try await withSimulator(Sim.scenario(settings: #","requireHTTPSWebhook":true"#), webhookTLS: clientTLS) { sim in
                    let token = try await sim.token()
                    async let started = sim.start("Audit.General", token: token, webhook: #"{"webhook":{"address":"\#(address)"}}"#)
                    let validation = try await hook.next()
                    #expect(validation.head.isTLS && validation.head.clientCertificateVerified)
                    #expect(try await started.status == 200)
                    _ = try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"Audit.General"}"#)
                    let notification = try await hook.next()
                    #expect(notification.head.clientCertificateVerified)
                    #expect(notification.headers["Webhook-AuthID"] == nil)
                }
            }
        }
    }
}
