import HookEntraAuth
import HookConfig
import HookSinks
import HookTestSupport
import Testing

@Suite("logs-ingestion token settings")
struct LogsIngestionTokenSettingsTests {
    static func config(cloud: Cloud = .enterprise, loginURL: String? = nil) -> ActivityHookConfig {
        let tenant = TenantConfig(tenantId: AzureSinkFixtures.tenant, clientId: AzureSinkFixtures.app,
                                  credential: .clientSecret(Secret("tenant-secret")))
        return ActivityHookConfig(server: ServerConfig(publicURL: "https://hook.example/activity-webhook", authId: Secret("auth-id")),
                                  state: StateConfig(path: "/nonexistent/state.sqlite"), api: APIConfig(cloud: cloud, loginURL: loginURL),
                                  tenants: [tenant], sinks: [])
    }

    @Test func audiencePerCloud() async {
        await withTemporaryDirectory { _ in
            typealias T = LogsIngestionTransport
            #expect(T.monitorResource(endpoint: "https://dce-1.eastus-1.ingest.monitor.azure.com", cloud: .enterprise) == "https://monitor.azure.com")
            #expect(T.monitorResource(endpoint: "https://dce-1.usgovvirginia-1.ingest.monitor.azure.us/", cloud: .enterprise) == "https://monitor.azure.us")
            #expect(T.monitorResource(endpoint: "https://dce-1.chinaeast2-1.ingest.monitor.azure.cn:443", cloud: .enterprise) == "https://monitor.azure.cn")
            #expect(T.monitorResource(endpoint: "http://127.0.0.1:8080", cloud: .gccHigh) == "https://monitor.azure.us")
            #expect(T.monitorResource(endpoint: "http://127.0.0.1:8080", cloud: .gcc) == "https://monitor.azure.com")
        }
    }

    @Test func defaultsToTheFirstTenantsAppAndHonoursSinkCredentials() async throws {
        try await withTemporaryDirectory { _ in
            let sink = LogsIngestionSinkConfig(endpoint: "https://dce-1.usgovarizona-1.ingest.monitor.azure.us",
                                               dcrImmutableId: AzureSinkFixtures.dcr, stream: AzureSinkFixtures.stream)
            let settings = try #require(LogsIngestionTransport.tokenSettings(for: sink, config: Self.config(cloud: .gccHigh)))
            #expect(settings.tenantId == AzureSinkFixtures.tenant)
            #expect(settings.clientId == AzureSinkFixtures.app)
            #expect(settings.resource == "https://monitor.azure.us")
            #expect(settings.loginURL == "https://login.microsoftonline.us")
            #expect(settings.endpoint == .v2)
            #expect(settings.tenantKey == "tenants[0]")

            var own = sink
            own.endpoint = "https://dce-1.eastus-1.ingest.monitor.azure.com"
            own.credentials = AzureClientCredentials(tenantId: "33333333-3333-3333-3333-333333333333",
                                                     clientId: "44444444-4444-4444-4444-444444444444", clientSecret: Secret("own"))
            let explicit = try #require(LogsIngestionTransport.tokenSettings(for: own, named: "sentinel",
                                                                             config: Self.config(loginURL: "http://127.0.0.1:9")))
            #expect(explicit.tenantId == "33333333-3333-3333-3333-333333333333")
            #expect(explicit.clientId == "44444444-4444-4444-4444-444444444444")
            #expect(explicit.resource == "https://monitor.azure.com")
            #expect(explicit.loginURL == "http://127.0.0.1:9")
            #expect(explicit.tenantKey == "sinks[sentinel].credentials")
            guard case .clientSecret(let secret) = explicit.credential else { Issue.record("expected a client secret"); return }
            #expect(secret.reveal() == "own")
        }
    }
}
