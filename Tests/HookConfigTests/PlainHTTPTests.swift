import HookConfig
import Testing

/// `http://` for a URL that carries a secret or a token (docs/plain-http.md): refused unless the host is a
/// loopback address or the section sets `allowInsecureHTTP: true`.
@Suite("http:// URLs that carry secrets")
struct PlainHTTPTests {
    static let dcr = "dcr-0123456789abcdef0123456789abcdef"

    /// The minimal config plus an `api:` section and three HTTP sinks, with every URL on `host`.
    static func yaml(host: String, apiAllow: Bool = false, sinkAllow: Bool = false) -> String {
        let api = apiAllow ? "  allowInsecureHTTP: true\n" : ""
        let sink = sinkAllow ? "    allowInsecureHTTP: true\n" : ""
        return ConfigFixtures.minimal
            + "  - name: sentinel\n    type: logs-ingestion\n    endpoint: http://\(host):9001\n    dcrImmutableId: \(Self.dcr)\n"
            + "    stream: Custom-O365Audit\n" + sink
            + "  - name: splunk\n    type: splunk-hec\n    url: http://\(host):8088\n    token: t\n" + sink
            + "  - name: alerts\n    type: alert-webhook\n    url: http://\(host):9002/hook/secret\n    format: json\n" + sink
            + "api:\n  apiRoot: http://\(host):8900\n  loginUrl: http://\(host):8901\n" + api
    }

    static let urlKeys = ["sinks[1].endpoint", "sinks[2].url", "sinks[3].url", "api.apiRoot", "api.loginUrl"]

    @Test("every secret-carrying http:// URL to another host is an error at its key, naming the key that allows it")
    func refused() {
        let issues = ConfigFixtures.issues(Self.yaml(host: "sink.example.com"))
        #expect(issues.map(\.keyPath).sorted() == Self.urlKeys.sorted())
        for issue in issues {
            let allowKey = issue.keyPath.hasPrefix("api.") ? "api.allowInsecureHTTP"
                : issue.keyPath.replacingOccurrences(of: ".url", with: "").replacingOccurrences(of: ".endpoint", with: "")
                    + ".allowInsecureHTTP"
            #expect(issue.message.contains("set \(allowKey): true"), "\(issue)")
            #expect(!issue.message.contains("secret"), "the alert URL is never echoed: \(issue)")
        }
    }

    @Test("loopback hosts load (with the usual warnings)", arguments: ["127.0.0.1", "127.9.8.7", "localhost", "LocalHost", "[::1]"])
    func loopbackLoads(host: String) throws {
        let loaded = try ConfigFixtures.parse(Self.yaml(host: host))
        #expect(Set(loaded.warnings.map(\.keyPath)) == Set(Self.urlKeys))
    }

    @Test("allowInsecureHTTP: true in each section allows its URLs; one section's switch does not allow another's")
    func allowedPerSection() throws {
        let loaded = try ConfigFixtures.parse(Self.yaml(host: "10.0.0.5", apiAllow: true, sinkAllow: true))
        #expect(loaded.config.api.resolvedAPIRoot == "http://10.0.0.5:8900")
        #expect(loaded.warnings.count == Self.urlKeys.count)
        let onlyAPI = ConfigFixtures.issues(Self.yaml(host: "10.0.0.5", apiAllow: true))
        #expect(onlyAPI.map(\.keyPath) == ["sinks[1].endpoint", "sinks[2].url", "sinks[3].url"])
        let onlySinks = ConfigFixtures.issues(Self.yaml(host: "10.0.0.5", sinkAllow: true))
        #expect(onlySinks.map(\.keyPath) == ["api.apiRoot", "api.loginUrl"])
    }

    @Test("hosts that only look like loopback are not", arguments: [
        "127.0.0.1.example.com", "128.0.0.1", "localhost.example.com", "[::2]", "[::ffff:127.0.0.1]", "1270.0.0.1",
    ])
    func lookalikes(host: String) {
        let issues = ConfigFixtures.issues(Self.yaml(host: host))
        #expect(issues.map(\.keyPath).sorted() == Self.urlKeys.sorted())
    }

    @Test("https:// is accepted anywhere without a warning, and the file sink has no allowInsecureHTTP key")
    func httpsAndUnknownKey() throws {
        let https = Self.yaml(host: "sink.example.com").replacingOccurrences(of: "http://", with: "https://")
        #expect(try ConfigFixtures.parse(https).warnings.isEmpty)
        ConfigFixtures.expectIssue(ConfigFixtures.minimal(replacing: "    path: records.jsonl", with: "    path: r.jsonl\n    allowInsecureHTTP: true"),
                                   at: "sinks[0].allowInsecureHTTP", containing: "unknown key")
    }
}
