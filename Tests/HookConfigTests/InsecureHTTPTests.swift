import HookConfig
import Testing

/// A URL that carries a secret is refused over plain http to a non-loopback host unless the section's
/// `allowInsecureHTTP` is set (issue 12 item 8); a warning is not enough.
@Suite("Secrets never go over plain HTTP to another host")
struct InsecureHTTPTests {
    static let splunk = "  - name: splunk\n    type: splunk-hec\n    url: URL\n    token: t\n"
    static let alerts = "  - name: teams\n    type: alert-webhook\n    format: teams\n    url: URL\n"
    static let ingestion = "  - name: sentinel\n    type: logs-ingestion\n    endpoint: URL\n"
        + "    dcrImmutableId: dcr-0123456789abcdef0123456789abcdef\n    stream: Custom-O365Audit\n"

    @Test("http:// to a remote host is refused at each secret-bearing key, naming the key and the way out",
          arguments: [
            ("api:\n  apiRoot: http://manage.example.com\n", "api.apiRoot", "api.allowInsecureHTTP"),
            ("api:\n  loginUrl: http://login.example.com\n", "api.loginUrl", "api.allowInsecureHTTP"),
          ])
    func apiURLs(_ yaml: String, _ key: String, _ allowKey: String) {
        ConfigFixtures.expectIssue(ConfigFixtures.minimal + yaml, at: key, containing: allowKey)
    }

    @Test("http:// sink URLs to a remote host are refused", arguments: [
        (InsecureHTTPTests.splunk, "sinks[1].url", "the HEC token"),
        (InsecureHTTPTests.alerts, "sinks[1].url", "signature"),
        (InsecureHTTPTests.ingestion, "sinks[1].endpoint", "bearer token"),
    ])
    func sinkURLs(_ sink: String, _ key: String, _ what: String) throws {
        let remote = sink.replacingOccurrences(of: "URL", with: "http://siem.example.net:8088")
        ConfigFixtures.expectIssue(ConfigFixtures.minimal + remote, at: key, containing: what)
        ConfigFixtures.expectIssue(ConfigFixtures.minimal + remote, at: key, containing: "sinks[1].allowInsecureHTTP")
        // The section's own switch lets it through, with a warning.
        let allowed = try ConfigFixtures.parse(ConfigFixtures.minimal + remote + "    allowInsecureHTTP: true\n")
        #expect(allowed.warnings.map(\.keyPath) == [key])
        // https, and every loopback form, need no switch.
        for url in ["https://siem.example.net:8088", "http://127.0.0.1:8088", "http://127.9.8.7:1", "http://localhost:8088",
                    "http://[::1]:8088"] {
            let loaded = try ConfigFixtures.parse(ConfigFixtures.minimal + sink.replacingOccurrences(of: "URL", with: url))
            #expect(loaded.warnings.isEmpty, "\(url)")
        }
    }

    @Test("names that only look like loopback are not loopback")
    func lookalikes() {
        for url in ["http://127.0.0.1.example.com", "http://localhost.example.com:80", "http://128.0.0.1", "http://0x7f.0.0.1"] {
            ConfigFixtures.expectIssue(ConfigFixtures.minimal + Self.splunk.replacingOccurrences(of: "URL", with: url),
                                       at: "sinks[1].url", containing: "unencrypted")
        }
        #expect(ConfigValidation.isLoopbackHost("127.0.0.1") && ConfigValidation.isLoopbackHost("[::1]"))
        #expect(!ConfigValidation.isLoopbackHost("127.0.0.256") && !ConfigValidation.isLoopbackHost("127.0.0"))
    }

    @Test("api.proxy: credentials over a clear-text proxy to another host are refused and never echoed")
    func proxy() throws {
        let secret = "pr0xy-pa55"
        let clear = ConfigFixtures.issues(ConfigFixtures.minimal + "api:\n  proxy: http://user:\(secret)@proxy.corp:3128\n")
        #expect(clear.map(\.keyPath) == ["api.proxy"])
        #expect(clear.allSatisfy { !$0.description.contains(secret) })
        let plain = try ConfigFixtures.parse(ConfigFixtures.minimal + "api:\n  proxy: http://proxy.corp:3128\n  noProxy: .corp,localhost\n")
        #expect(plain.config.api.proxy?.reveal() == "http://proxy.corp:3128")
        #expect(plain.config.api.noProxy == ".corp,localhost")
        #expect(!plain.config.redactedYAML().contains("proxy.corp:3128"))
        let tls = try ConfigFixtures.parse(ConfigFixtures.minimal + "api:\n  proxy: https://user:\(secret)@proxy.corp:3128\n")
        #expect(tls.config.api.proxy != nil)
        let local = try ConfigFixtures.parse(ConfigFixtures.minimal + "api:\n  proxy: http://user:\(secret)@127.0.0.1:3128\n")
        #expect(local.config.api.proxy != nil)
        let allowed = try ConfigFixtures.parse(ConfigFixtures.minimal
                                               + "api:\n  allowInsecureHTTP: true\n  proxy: http://u:\(secret)@proxy.corp:3128\n")
        #expect(allowed.config.api.allowInsecureHTTP)
        ConfigFixtures.expectIssue(ConfigFixtures.minimal + "api:\n  proxy: ftp://proxy.corp\n", at: "api.proxy", containing: "socks5")
    }
}
