import HookConfig
import HookEntraAuth
import HookHTTPClient
import Testing

/// Issue 12 item 3: `api.proxy` and `api.noProxy`.
@Suite struct ProxyConfigTests {
    static func yaml(_ api: String) -> String { ConfigFixtures.minimal + "api:\n" + api }

    @Test func theProxyAndNoProxyReachTheOutboundClientConfiguration() throws {
        let loaded = try ConfigFixtures.parse(Self.yaml("  proxy: https://user:pw@proxy.example:3128\n  noProxy: .internal.example\n"))
        #expect(loaded.config.api.proxy?.reveal() == "https://user:pw@proxy.example:3128")
        let outbound = HTTPClientConfiguration.outbound(loaded.config.api, extraCAFile: nil, environment: ["NO_PROXY": "other"])
        #expect(outbound.proxy == "https://user:pw@proxy.example:3128")
        #expect(outbound.noProxy == ".internal.example")
        // The proxy may carry credentials: check-config never prints it.
        #expect(!loaded.config.redactedYAML().contains("pw@"))
    }

    @Test func noProxyFallsBackToTheEnvironmentAndIsAlwaysExplicit() throws {
        let api = try ConfigFixtures.parse(Self.yaml("  proxy: http://127.0.0.1:3128\n")).config.api
        #expect(HTTPClientConfiguration.outbound(api, extraCAFile: nil, environment: ["NO_PROXY": "a.example"]).noProxy == "a.example")
        #expect(HTTPClientConfiguration.outbound(api, extraCAFile: nil, environment: ["no_proxy": "b.example"]).noProxy == "b.example")
        // Nothing configured: an explicit empty list, so only the environment given counts.
        #expect(HTTPClientConfiguration.outbound(api, extraCAFile: nil, environment: [:]).noProxy == "")
    }

    @Test func credentialsOverPlainHTTPToANonLoopbackProxyAreRefused() throws {
        ConfigFixtures.expectIssue(Self.yaml("  proxy: http://user:pw@proxy.example:3128\n"),
                                   at: "api.proxy", containing: "must use https://")
        // Without credentials, or to a loopback proxy, or over https, plain settings load.
        _ = try ConfigFixtures.parse(Self.yaml("  proxy: http://proxy.example:3128\n"))
        _ = try ConfigFixtures.parse(Self.yaml("  proxy: http://user:pw@127.0.0.1:3128\n"))
        _ = try ConfigFixtures.parse(Self.yaml("  proxy: https://user:pw@proxy.example:3128\n"))
        ConfigFixtures.expectIssue(Self.yaml("  proxy: socks5://proxy.example:1080\n"), at: "api.proxy", containing: "proxy URL")
    }
}
