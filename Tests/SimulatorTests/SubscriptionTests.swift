import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

/// Issue point 2: start/stop/list, the webhook handshake, the start throttle and AF429.
@Suite struct SubscriptionTests {
    @Test func startListStopAndTheirErrors() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let token = try await sim.token()
                let first = try await sim.start("Audit.Sharepoint", token: token)
                #expect(first.status == 200)
                let body = try #require(try json(first) as? [String: Any])
                #expect(body["contentType"] as? String == "Audit.Sharepoint")  // the caller's casing, echoed
                #expect(body["webhook"] is NSNull)
                let again = try await sim.start("Audit.SharePoint", token: token)
                #expect(again.status == 400)
                #expect(errorCode(again) == "AF20024")
                #expect(errorCode(try await sim.start("Audit.Nope", token: token)) == "AF20020")

                let list = try #require(try json(try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: token)) as? [[String: Any]])
                #expect(list.count == 1)
                #expect(list.first?["status"] as? String == "enabled")
                #expect(list.first?["webhook"] is NSNull)

                let missing = try await sim.request("GET", "\(sim.feed())/subscriptions/content?contentType=Audit.Exchange", token: token)
                #expect(errorCode(missing) == "AF20022")
                let stop = try await sim.request("POST", "\(sim.feed())/subscriptions/stop?contentType=Audit.SharePoint", token: token)
                #expect(stop.status == 200 && stop.body.isEmpty)
                let disabled = try await sim.request("GET", "\(sim.feed())/subscriptions/content?contentType=Audit.SharePoint", token: token)
                #expect(errorCode(disabled) == "AF20023")
                #expect(errorMessage(disabled) == "The subscription was disabled.")
                let bad = try await sim.request("GET", "/api/v1.0/not-a-guid/activity/feed/subscriptions/list", token: token)
                #expect(errorCode(bad) == "AF20013")
            }
        }
    }

    @Test func startThrottlePerTenantAndContentType() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator(Sim.scenario(settings: #","startThrottleSeconds":900"#)) { sim in
                let token = try await sim.token()
                #expect(try await sim.start("Audit.General", token: token).status == 200)
                let throttled = try await sim.start("Audit.General", token: token)
                #expect(throttled.status == 429)
                #expect(errorMessage(throttled).hasPrefix("Too many frequent subscription start requests. Please retry again after 1"))
                #expect(errorMessage(throttled).range(of: #"after \d+m \d+s$"#, options: .regularExpression) != nil)
                #expect(try await sim.start("Audit.Exchange", token: token).status == 200)  // other content type
                _ = try await sim.control("POST", "clock", #"{"advanceSeconds":901}"#)
                #expect(errorCode(try await sim.start("Audit.General", token: try await sim.token())) == "AF20024")
            }
        }
    }

    @Test func webhookValidationHandshake() async throws {
        try await withTemporaryDirectory { _ in
            let hook = TestWebhook(status: 200)
            try await withWebhook(hook) { address in
                try await withSimulator { sim in
                    let token = try await sim.token()
                    let body = #"{"webhook":{"address":"\#(address)","authId":"auth-123","expiration":""}}"#
                    async let started = sim.start("Audit.General", token: token, webhook: body)
                    let validation = try await hook.next()
                    let code = try #require(validation.headers["Webhook-ValidationCode"])
                    #expect(validation.headers["Webhook-AuthID"] == "auth-123")
                    let sent = try #require(try JSONSerialization.jsonObject(with: Data(validation.body)) as? [String: Any])
                    #expect(sent["validationCode"] as? String == code)
                    let response = try await started
                    #expect(response.status == 200)
                    let webhook = try #require((try json(response) as? [String: Any])?["webhook"] as? [String: Any])
                    #expect(webhook["status"] as? String == "enabled")
                    let list = try #require(try json(try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: token)) as? [[String: Any]])
                    let listed = try #require(list.first?["webhook"] as? [String: Any])
                    #expect(listed["expiration"] as? String == "")
                    #expect(listed["authId"] as? String == "auth-123")
                    // The same webhook again changes nothing: AF20024.
                    #expect(errorCode(try await sim.start("Audit.General", token: token, webhook: body)) == "AF20024")
                }
            }
        }
    }

    @Test(arguments: [202, 204, 500])
    func webhookNotAnswering200IsRefused(status: Int) async throws {
        try await withTemporaryDirectory { _ in
            let hook = TestWebhook(status: status)
            try await withWebhook(hook) { address in
                try await withSimulator { sim in
                    let token = try await sim.token()
                    let response = try await sim.start("Audit.General", token: token, webhook: #"{"webhook":{"address":"\#(address)"}}"#)
                    #expect(errorCode(response) == "AF20021")
                    #expect(errorMessage(response).hasSuffix("The endpoint did not return HTTP 200."))
                    let list = try #require(try json(try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: token)) as? [[String: Any]])
                    #expect(list.isEmpty)  // no subscription was created
                }
            }
        }
    }

    @Test func httpsIsRequiredByDefaultAndPastExpirationRefused() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator(Sim.scenario(settings: #","requireHTTPSWebhook":true"#)) { sim in
                let token = try await sim.token()
                let plain = try await sim.start("Audit.General", token: token, webhook: #"{"webhook":{"address":"http://127.0.0.1:1/x"}}"#)
                #expect(errorMessage(plain).hasSuffix("The address must begin with HTTPS."))
                let past = try await sim.start("Audit.General", token: token,
                                               webhook: #"{"webhook":{"address":"https://127.0.0.1:1/x","expiration":"2001-01-01T00:00:00Z"}}"#)
                #expect(errorCode(past) == "AF20003")
            }
        }
    }

    @Test func af429UnderABurstWithPublisherPools() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator(Sim.scenario(settings: #","tenantBudgetPerMinute":20"#)) { sim in
                let token = try await sim.token()
                let publisher = "99999999-9999-9999-9999-999999999999"
                var statuses: [Int] = []
                var last: HTTPClientResponse?
                for _ in 0..<30 {
                    let response = try await sim.request("GET", "\(sim.feed())/subscriptions/list?PublisherIdentifier=\(publisher)", token: token)
                    statuses.append(response.status)
                    last = response
                }
                #expect(statuses.prefix(20).allSatisfy { $0 == 200 })
                #expect(statuses.suffix(10).allSatisfy { $0 == 403 })
                let throttled = try #require(last)
                #expect(errorCode(throttled) == "AF429")
                #expect(errorMessage(throttled) == "Too many requests. Method=ListSubscriptions, PublisherId=\(publisher)")
                // Calls without PublisherIdentifier use their own (shared) pool.
                let shared = try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: token)
                #expect(shared.status == 200)
                #expect((try await sim.counters())["throttled"] as? Int == 10)
            }
        }
    }

    @Test func throttleStatusCanBe429() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator(Sim.scenario(settings: #","tenantBudgetPerMinute":1,"throttleStatus":429"#)) { sim in
                let token = try await sim.token()
                #expect(try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: token).status == 200)
                let throttled = try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: token)
                #expect(throttled.status == 429)
                #expect(errorMessage(throttled).hasSuffix("PublisherId=00000000-0000-0000-0000-000000000000"))
            }
        }
    }
}
