import HookConfig
import Testing

/// One invalid config and the issue it must produce.
struct BrokenConfig: Sendable, CustomTestStringConvertible {
    let name: String
    let yaml: String
    let keyPath: String
    let message: String
    var testDescription: String { self.name }

    /// `minimal` with `old` replaced by `new`.
    init(_ name: String, replacing old: String, with new: String, keyPath: String, message: String) {
        precondition(ConfigFixtures.minimal.contains(old), "stale fixture for \(name): \(old)")
        self.init(name, yaml: ConfigFixtures.minimal.replacingOccurrences(of: old, with: new),
                  keyPath: keyPath, message: message)
    }

    init(_ name: String, yaml: String, keyPath: String, message: String) {
        self.name = name
        self.yaml = yaml
        self.keyPath = keyPath
        self.message = message
    }
}

@Suite("Broken configs")
struct BrokenConfigTests {
    static let cases: [BrokenConfig] = [
        BrokenConfig("bad GUID", replacing: "clientId: 22222222-2222-2222-2222-222222222222",
                     with: "clientId: 2222-not-a-guid", keyPath: "tenants[0].clientId", message: "not a GUID"),
        BrokenConfig("unknown key", replacing: "  listen:", with: "  lisen:",
                     keyPath: "server.lisen", message: "unknown key (did you mean \"listen\"?)"),
        BrokenConfig("unknown top-level key", yaml: ConfigFixtures.minimal + "sink:\n  - name: x\n",
                     keyPath: "sink", message: "unknown key (did you mean \"sinks\"?)"),
        BrokenConfig("string where a number is expected", yaml: ConfigFixtures.minimal + "workers:\n  concurrency: eight\n",
                     keyPath: "workers.concurrency", message: "expected an integer, got a string (\"eight\")"),
        BrokenConfig("fraction where an integer is expected", yaml: ConfigFixtures.minimal + "workers:\n  concurrency: 8.5\n",
                     keyPath: "workers.concurrency", message: "expected an integer, got a number (8.5)"),
        BrokenConfig("listen without a port", replacing: "listen: \"127.0.0.1:8787\"", with: "listen: localhost",
                     keyPath: "server.listen", message: "expected host:port"),
        BrokenConfig("listen with a bad port", replacing: "listen: \"127.0.0.1:8787\"", with: "listen: \"127.0.0.1:70000\"",
                     keyPath: "server.listen", message: "port from 0 to 65535"),
        BrokenConfig("duplicate sink names", yaml: ConfigFixtures.minimal + "  - name: archive\n    type: stdout\n",
                     keyPath: "sinks[1].name", message: "duplicate sink name \"archive\" (already used by sinks[0])"),
        BrokenConfig("unknown sink type", yaml: ConfigFixtures.minimal + "  - name: stream\n    type: kafka\n",
                     keyPath: "sinks[1].type",
                     message: "unknown sink type \"kafka\" (expected one of file, logs-ingestion, splunk-hec, alert-webhook, stdout)"),
        BrokenConfig("key of another sink type", replacing: "    path: records.jsonl", with: "    path: r.jsonl\n    token: x",
                     keyPath: "sinks[0].token", message: "unknown key"),
        BrokenConfig("unknown content type", replacing: "contentTypes: [Audit.General]",
                     with: "contentTypes: [Audit.General, Audit.Teams]",
                     keyPath: "tenants[0].contentTypes[1]", message: "unknown content type \"Audit.Teams\""),
        BrokenConfig("duplicate content type", replacing: "contentTypes: [Audit.General]",
                     with: "contentTypes: [Audit.General, audit.general]",
                     keyPath: "tenants[0].contentTypes[1]", message: "duplicate content type Audit.General"),
        BrokenConfig("missing tenants", yaml: ConfigFixtures.minimal.replacingOccurrences(of: "tenants:", with: "tenantz:"),
                     keyPath: "tenants", message: "required key is missing"),
        BrokenConfig("empty tenants", yaml: "tenants: []\n" + ConfigFixtures.minimal.replacingOccurrences(of: "tenants:", with: "x-unused:"),
                     keyPath: "tenants", message: "at least one tenant is required"),
        BrokenConfig("negative concurrency", yaml: ConfigFixtures.minimal + "workers:\n  concurrency: -4\n",
                     keyPath: "workers.concurrency", message: "must be between 1 and 256, got -4"),
        BrokenConfig("huge number", yaml: ConfigFixtures.minimal + "workers:\n  maxAttempts: 99999999999999999999999\n",
                     keyPath: "workers.maxAttempts", message: "is too large"),
        BrokenConfig("interval 0s", yaml: ConfigFixtures.minimal + "poller:\n  interval: 0s\n",
                     keyPath: "poller.interval", message: "must be at least 1s, got 0s"),
        BrokenConfig("lookback beyond 7 days", yaml: ConfigFixtures.minimal + "poller:\n  initialLookback: 8d\n",
                     keyPath: "poller.initialLookback", message: "must be at most 7d, got 8d"),
        BrokenConfig("bad cloud", yaml: ConfigFixtures.minimal + "api:\n  cloud: moon\n",
                     keyPath: "api.cloud", message: "unknown cloud \"moon\" (expected one of enterprise, gcc, gcc-high, dod)"),
        BrokenConfig("bad publisher id", yaml: ConfigFixtures.minimal + "api:\n  publisherId: contoso\n",
                     keyPath: "api.publisherId", message: "not a GUID"),
        BrokenConfig("both secret and certificate", replacing: "    clientSecret: tenant-secret-value",
                     with: "    clientSecret: s\n    certificate: {certificate: a.crt, privateKey: a.key}",
                     keyPath: "tenants[0]", message: "set either clientSecret or certificate, not both"),
        BrokenConfig("neither secret nor certificate", replacing: "    clientSecret: tenant-secret-value\n", with: "",
                     keyPath: "tenants[0]", message: "one of clientSecret or certificate is required"),
        BrokenConfig("certificate file missing", replacing: "    clientSecret: tenant-secret-value",
                     with: "    certificate: {certificate: missing.crt, privateKey: missing.key}",
                     keyPath: "tenants[0].certificate.certificate", message: "file not found: /etc/activityhook/missing.crt"),
        BrokenConfig("duplicate tenant id", replacing: "sinks:", with: """
                       - tenantId: 11111111-1111-1111-1111-111111111111
                         clientId: 22222222-2222-2222-2222-222222222222
                         clientSecret: s
                         contentTypes: [DLP.All]
                     sinks:
                     """, keyPath: "tenants[1].tenantId", message: "duplicate tenant id (already used by tenants[0])"),
        BrokenConfig("malformed YAML", replacing: "  authId: test-auth-id-value", with: "  authId: [unclosed",
                     keyPath: "", message: "line 5"),
        BrokenConfig("duplicate YAML key", replacing: "  authId: test-auth-id-value", with: "  authId: a\n  authId: b",
                     keyPath: "", message: "duplicate key \"authId\""),
        BrokenConfig("mapping where a list is expected", replacing: "contentTypes: [Audit.General]",
                     with: "contentTypes: {a: b}", keyPath: "tenants[0].contentTypes", message: "expected a list, got a mapping"),
        BrokenConfig("list where a mapping is expected", yaml: ConfigFixtures.minimal + "workers: [1, 2]\n",
                     keyPath: "workers", message: "expected a mapping, got a list"),
        BrokenConfig("non-https URL", replacing: "publicUrl: https://", with: "publicUrl: ftp://",
                     keyPath: "server.publicUrl", message: "expected an https:// URL"),
        BrokenConfig("missing public URL", replacing: "  publicUrl: https://hooks.example.com/activity-webhook\n", with: "",
                     keyPath: "server.publicUrl", message: "required key is missing"),
        BrokenConfig("bad boolean", replacing: "  authId: test-auth-id-value", with: "  authId: a\n  healthz: maybe",
                     keyPath: "server.healthz", message: "expected true or false, got a string (\"maybe\")"),
        BrokenConfig("admin listen equals listen", replacing: "  authId: test-auth-id-value",
                     with: "  authId: a\n  adminListen: \"127.0.0.1:8787\"",
                     keyPath: "server.adminListen", message: "must differ from server.listen"),
        BrokenConfig("bad DCR id", yaml: ConfigFixtures.minimal + """
                       - name: sentinel
                         type: logs-ingestion
                         endpoint: https://dce.ingest.monitor.azure.com
                         dcrImmutableId: dcr-123
                         stream: Custom-O365

                     """, keyPath: "sinks[1].dcrImmutableId", message: "expected dcr- followed by 32 hex digits"),
        BrokenConfig("unknown filter tenant", replacing: "    path: records.jsonl",
                     with: "    path: r\n    filter: {tenants: [fabrikam]}",
                     keyPath: "sinks[0].filter.tenants[0]", message: "unknown tenant \"fabrikam\""),
        BrokenConfig("bad alert format", yaml: ConfigFixtures.minimal + """
                       - name: alerts
                         type: alert-webhook
                         url: https://example.com/hook
                         format: email

                     """, keyPath: "sinks[1].format", message: "unknown format \"email\" (expected one of teams, slack, json)"),
        BrokenConfig("bad sink name", replacing: "name: archive", with: "name: \"my archive\"",
                     keyPath: "sinks[0].name", message: "expected letters, digits"),
        BrokenConfig("empty document", yaml: "# nothing here\n", keyPath: "", message: "the config is empty"),
        BrokenConfig("scalar document", yaml: "just a string\n", keyPath: "", message: "expected a mapping, got \"just a string\""),
    ]

    @Test("each broken config names the right key path", arguments: BrokenConfigTests.cases)
    func brokenConfig(_ broken: BrokenConfig) {
        ConfigFixtures.expectIssue(broken.yaml, at: broken.keyPath, containing: broken.message)
    }

    @Test("all problems are reported together, one per line, with line numbers")
    func collectsAllIssues() {
        let yaml = ConfigFixtures.minimal
            .replacingOccurrences(of: "listen: \"127.0.0.1:8787\"", with: "listen: nope")
            .replacingOccurrences(of: "clientId: 22222222-2222-2222-2222-222222222222", with: "clientId: x")
            + "workers:\n  concurrency: 0\n  extra: 1\n"
        let issues = ConfigFixtures.issues(yaml)
        #expect(issues.map(\.keyPath) == ["server.listen", "tenants[0].clientId", "workers.concurrency", "workers.extra"])
        let description = ConfigError(issues: issues).description
        let lines = description.split(separator: "\n")
        #expect(lines.count == 4)
        #expect(lines.first?.hasPrefix("server.listen: expected host:port") == true)
        #expect(lines.first?.hasSuffix("(line 2)") == true)
        #expect(lines.last == "workers.extra: unknown key (line 18)")
    }

    @Test("a config that is correct except for one tenant reports nothing about the sinks that reference it")
    func noCascadingErrors() {
        let yaml = ConfigFixtures.minimal(replacing: "clientId: 22222222-2222-2222-2222-222222222222", with: "clientId: bad")
        let issues = ConfigFixtures.issues(yaml)
        #expect(issues.map(\.keyPath) == ["tenants[0].clientId"])
    }
}
