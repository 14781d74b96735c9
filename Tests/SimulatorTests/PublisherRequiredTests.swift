import HookHTTPClient
import HookTestSupport
import Testing

/// `requirePublisherIdentifier` (issue 12, item 11): a Management API call without `PublisherIdentifier`
/// gets 403 and is counted; with it, the call goes through.
@Suite struct PublisherRequiredTests {
    @Test("without PublisherIdentifier: 403 PublisherIdentifierRequired on every operation; with it: 200")
    func missingPublisherIsRefused() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator(Sim.scenario(settings: #","requirePublisherIdentifier":true"#)) { sim in
                let token = try await sim.token()
                let publisher = "PublisherIdentifier=99999999-9999-9999-9999-999999999999"
                let refused = try await sim.start("Audit.General", token: token)
                #expect(refused.status == 403)
                #expect(errorCode(refused) == "PublisherIdentifierRequired")
                let started = try await sim.request("POST", "\(sim.feed())/subscriptions/start?contentType=Audit.General&\(publisher)",
                                                    token: token, headers: ["Content-Type": "application/json; utf-8"])
                #expect(started.status == 200)
                for path in ["subscriptions/list", "subscriptions/content?contentType=Audit.General",
                             "subscriptions/notifications?contentType=Audit.General", "audit/some-blob-id"] {
                    let bare = try await sim.request("GET", "\(sim.feed())/\(path)", token: token)
                    #expect(bare.status == 403 && errorCode(bare) == "PublisherIdentifierRequired", "\(path)")
                    let empty = try await sim.request("GET", "\(sim.feed())/\(path)\(path.contains("?") ? "&" : "?")PublisherIdentifier=", token: token)
                    #expect(empty.status == 403, "\(path) with an empty value")
                }
                let listed = try await sim.request("GET", "\(sim.feed())/subscriptions/list?\(publisher)", token: token)
                #expect(listed.status == 200)
                #expect((try await sim.counters())["missingPublisher"] as? Int == 9)
            }
        }
    }
}
