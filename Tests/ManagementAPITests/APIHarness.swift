import Foundation
import HookConfig
import HookHTTPClient
import HookHTTPServer
import HookLedger
import HookManagementAPI
import HookEntraAuth
import HookRetry
import HookSimulator
import HookTestSupport
import SimulatorTestSupport
import Logging
import Synchronization
import Testing

let tenantA = "11111111-1111-1111-1111-111111111111"
let appA = "22222222-2222-2222-2222-222222222222"
let appNoDlp = "44444444-4444-4444-4444-444444444444"
let secretA = "s3cret-value"
let publisher = "99999999-9999-9999-9999-999999999999"
let quietLogger = Logger(label: "api-test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A simulator running in this process on 127.0.0.1:0, and an HTTP client for it.
struct SimEnv: Sendable {
    let url: String
    let http: HTTPClient

    static func scenario(settings: String = "", extraApps: String = "") -> String {
        """
        {"settings":{"startThrottleSeconds":0,"requireHTTPSWebhook":false,"retryBaseSeconds":0.01,"retryMaxSeconds":0.05\(settings)},
         "tenants":[{"id":"\(tenantA)","apps":[{"clientId":"\(appA)","secret":"\(secretA)"\(extraApps)},
                    {"clientId":"\(appNoDlp)","secret":"\(secretA)","roles":["ActivityFeed.Read","ServiceHealth.Read"]}]}]}
        """
    }

    /// Calls the `/_sim/…` control API and returns the decoded JSON.
    @discardableResult
    func control(_ method: String, _ name: String, _ json: String = "{}") async throws -> [String: Any] {
        let answer = try await simulatorControl(url: self.url, http: self.http, method, name, json)
        #expect(answer.status == 200, "control \(name): \(answer.body)")
        return answer.object
    }

    func counter(_ name: String) async throws -> Int { try await self.control("GET", "counters")[name] as? Int ?? -1 }

    /// Token settings for app A against this simulator.
    func tokenSettings(credential: TenantCredential = .clientSecret(Secret(secretA)), endpoint: TokenEndpoint = .v2,
                       client: String = appA) -> TokenProvider.Settings {
        TokenProvider.Settings(tenantId: tenantA, clientId: client, credential: credential, loginURL: self.url,
                               endpoint: endpoint, resource: "https://manage.office.com", tenantKey: "tenants[0]")
    }

    /// A Management API client for tenant A.
    func client(budget: RequestBudget = RequestBudget(), backoff: Backoff = Backoff(base: .milliseconds(5), cap: .milliseconds(20)),
                credential: TenantCredential = .clientSecret(Secret(secretA)), client: String = appA) -> ManagementAPIClient {
        let skew = ClockSkew()
        let tokens = TokenProvider(settings: self.tokenSettings(credential: credential, client: client), http: self.http, skew: skew)
        return ManagementAPIClient(settings: .init(apiRoot: self.url, tenantId: tenantA, publisherId: publisher, backoff: backoff),
                                   tokens: tokens, http: self.http, budget: budget, skew: skew)
    }

    func publish(_ contentType: String = "Audit.General", blobs: Int) async throws {
        try await self.control("POST", "publish",
                               #"{"tenant":"\#(tenantA)","contentType":"\#(contentType)","blobs":\#(blobs),"recordsPerBlob":1,"notify":false}"#)
    }
}

/// Runs `body` against a fresh in-process simulator configured with `scenario`.
func withSim<T: Sendable>(_ scenario: String = SimEnv.scenario(), _ body: @Sendable (SimEnv) async throws -> T) async throws -> T {
    try await withInProcessSimulator(scenario: scenario) { url, http in try await body(SimEnv(url: url, http: http)) }
}

extension ActivityHookConfig {
    /// A minimal config around one tenant, for unit tests that need the config types.
    static func testConfig(api: APIConfig, tenant: TenantConfig) -> ActivityHookConfig {
        ActivityHookConfig(server: ServerConfig(publicURL: "https://hook.example/activity-webhook", authId: Secret("auth-id")),
                           state: StateConfig(path: "/nonexistent/state.sqlite"), api: api, tenants: [tenant], sinks: [])
    }
}

/// One HTTP client for tests that never send a request.
func sharedHTTP() throws -> HTTPClient { try HTTPClient() }

/// A clock tests can move.
final class TestClock: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    func now() -> Date { Date().addingTimeInterval(self.offset.withLock { $0 }) }
    func advance(_ seconds: TimeInterval) { self.offset.withLock { $0 += seconds } }
}
