import Foundation
import HookHTTPClient
import HookHTTPServer
import HookSimulator
import HookTestSupport
import SimulatorTestSupport
import Logging
import Synchronization
import Testing

let tenantA = "11111111-1111-1111-1111-111111111111"
let tenantB = "33333333-3333-3333-3333-333333333333"
let appA = "22222222-2222-2222-2222-222222222222"
let appNoDlp = "44444444-4444-4444-4444-444444444444"
let secretA = "s3cret-value"
let quietLogger = Logger(label: "sim-test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A running simulator (in process, on 127.0.0.1:0) and a client; everything goes over HTTP.
struct Sim: Sendable {
    let url: String
    let client: HTTPClient

    /// The usual scenario: tenant A with an app holding every role and one without ReadDlp;
    /// tenant B with the same app; no start throttle and plain-HTTP webhooks unless overridden.
    /// These tests call the simulator directly, mostly without `PublisherIdentifier`, so
    /// `requirePublisherIdentifier` is off here (it is on in the suites that run our client).
    static func scenario(settings: String = "", extraApps: String = "") -> String {
        """
        {"settings":{"startThrottleSeconds":0,"requireHTTPSWebhook":false,"retryBaseSeconds":0.01,"retryMaxSeconds":0.05,
                     "requirePublisherIdentifier":false\(settings)},
         "tenants":[{"id":"\(tenantA)","apps":[{"clientId":"\(appA)","secret":"\(secretA)"\(extraApps)},
                    {"clientId":"\(appNoDlp)","secret":"\(secretA)","roles":["ActivityFeed.Read","ServiceHealth.Read"]}]},
                    {"id":"\(tenantB)","apps":[{"clientId":"\(appA)","secret":"\(secretA)"}]}]}
        """
    }

    func request(_ method: String, _ path: String, token: String? = nil, headers: HTTPHeaders = [:], body: [UInt8] = [])
        async throws -> HTTPClientResponse {
        var all = headers
        if let token { all.add("Authorization", "Bearer \(token)") }
        let url = path.hasPrefix("http") ? path : self.url + path
        return try await self.client.execute(HTTPClientRequest(method: method, url: url, headers: all, body: body), maxBodyBytes: 256 << 20)
    }

    func control(_ method: String, _ name: String, _ json: String = "{}") async throws -> Any {
        // No body on GET: a GET with a body would go out as POST.
        let response = try await self.request(method, "/_sim/\(name)", headers: ["Content-Type": "application/json"],
                                              body: method == "GET" ? [] : Array(json.utf8))
        #expect(response.status == 200, "control \(name): \(String(decoding: response.body, as: UTF8.self))")
        return try JSONSerialization.jsonObject(with: Data(response.body))
    }

    func counters() async throws -> [String: Any] { try await self.control("GET", "counters") as? [String: Any] ?? [:] }

    /// A management token for `client` in `tenant` (v2 endpoint, client secret).
    func token(tenant: String = tenantA, client: String = appA, scope: String = "https://manage.office.com/.default") async throws -> String {
        let form = "grant_type=client_credentials&client_id=\(client)&client_secret=\(secretA)&scope=\(formEncode(scope))"
        let response = try await self.request("POST", "/\(tenant)/oauth2/v2.0/token",
                                              headers: ["Content-Type": "application/x-www-form-urlencoded"], body: Array(form.utf8))
        let object = try #require(try JSONSerialization.jsonObject(with: Data(response.body)) as? [String: Any])
        return try #require(object["access_token"] as? String, "token response: \(object)")
    }

    func feed(_ tenant: String = tenantA) -> String { "/api/v1.0/\(tenant)/activity/feed" }

    func start(_ type: String, token: String, tenant: String = tenantA, webhook: String? = nil) async throws -> HTTPClientResponse {
        try await self.request("POST", "\(self.feed(tenant))/subscriptions/start?contentType=\(type)", token: token,
                               headers: ["Content-Type": "application/json; utf-8"], body: Array((webhook ?? "").utf8))
    }

    func publish(_ json: String) async throws -> [[String: Any]] {
        let answer = try await self.control("POST", "publish", json) as? [String: Any]
        return answer?["published"] as? [[String: Any]] ?? []
    }
}

/// Runs `body` against a fresh simulator configured with `scenario`.
func withSimulator<T: Sendable>(
    _ scenario: String = Sim.scenario(), webhookTLS: WebhookClientTLS = WebhookClientTLS(),
    _ body: @Sendable (Sim) async throws -> T
) async throws -> T {
    try await withInProcessSimulator(scenario: scenario, webhookTLS: webhookTLS) { url, http in
        try await body(Sim(url: url, client: http))
    }
}

func formEncode(_ text: String) -> String {
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    return text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text
}

func json(_ response: HTTPClientResponse) throws -> Any {
    try JSONSerialization.jsonObject(with: Data(response.body), options: [.fragmentsAllowed])
}

/// The `error.code` of an API error body.
func errorCode(_ response: HTTPClientResponse) -> String? {
    ((try? json(response)) as? [String: Any]).flatMap { $0["error"] as? [String: Any] }?["code"] as? String
}

func errorMessage(_ response: HTTPClientResponse) -> String {
    (((try? json(response)) as? [String: Any]).flatMap { $0["error"] as? [String: Any] }?["message"] as? String) ?? ""
}
