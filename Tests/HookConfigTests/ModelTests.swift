import HookConfig
import Testing

@Suite("Config model")
struct ModelTests {
    @Test("cloud endpoints", arguments: [
        ("enterprise", "https://manage.office.com", "https://login.microsoftonline.com"),
        ("gcc", "https://manage-gcc.office.com", "https://login.microsoftonline.com"),
        ("GCC-High", "https://manage.office365.us", "https://login.microsoftonline.us"),
        ("dod", "https://manage.protection.apps.mil", "https://login.microsoftonline.us"),
    ])
    func cloudEndpoints(name: String, apiRoot: String, loginHost: String) throws {
        let cloud = try #require(Cloud(configValue: name))
        #expect(cloud.apiRoot == apiRoot)
        #expect(cloud.loginHost == loginHost)
        let config = try ConfigFixtures.parse(ConfigFixtures.minimal + "api:\n  cloud: \(name)\n").config
        #expect(config.api.resolvedAPIRoot == apiRoot)
        #expect(config.api.resolvedLoginURL == loginHost)
    }

    @Test("content types are matched case-insensitively and normalised")
    func contentTypes() throws {
        #expect(ContentType(caseInsensitive: "audit.sharepoint") == .auditSharePoint)
        #expect(ContentType(caseInsensitive: "DLP.ALL") == .dlpAll)
        #expect(ContentType(caseInsensitive: "Audit.Teams") == nil)
        let yaml = ConfigFixtures.minimal(replacing: "contentTypes: [Audit.General]",
                                          with: "contentTypes: [audit.azureactivedirectory, AUDIT.EXCHANGE]")
        let config = try ConfigFixtures.parse(yaml).config
        #expect(config.tenants[0].contentTypes.map(\.rawValue) == ["Audit.AzureActiveDirectory", "Audit.Exchange"])
    }

    @Test("listen addresses", arguments: [
        ("127.0.0.1:8787", "127.0.0.1", 8787),
        ("0.0.0.0:0", "0.0.0.0", 0),
        ("localhost:443", "localhost", 443),
        ("[::1]:8787", "::1", 8787),
    ])
    func listenAddresses(text: String, host: String, port: Int) {
        #expect(ListenAddress(parsing: text) == ListenAddress(host: host, port: port))
        #expect(ListenAddress(parsing: text)?.description == text)
    }

    @Test("invalid listen addresses", arguments: ["8787", ":8787", "host:", "::1:8787", "[::1]8787", "a b:80", "h:-1", "h:99999"])
    func invalidListenAddresses(text: String) {
        #expect(ListenAddress(parsing: text) == nil)
    }

    @Test("every setting of every section is read")
    func fullConfig() throws {
        var yaml = ConfigFixtures.minimal(replacing: "  authId: test-auth-id-value", with: """
              authId: test-auth-id-value
              path: /hook
              adminListen: "127.0.0.1:9090"
              healthz: false
              metrics: FALSE
            """)
        yaml = yaml.replacingOccurrences(of: "    clientSecret: tenant-secret-value",
                                         with: "    name: contoso\n    clientSecret: tenant-secret-value")
        yaml += """
              - name: splunk
                type: splunk-hec
                url: https://splunk.example.com:8088
                token: hec-token
                index: o365
                sourcetype: o365:audit
                source: hook
                ack: true
                filter:
                  recordTypes: [1, 2]
                  contentTypes: [audit.exchange]
                  workloads: [Exchange]
                  operations: [Send]
                  tenants: [contoso]
              - name: alerts
                type: alert-webhook
                url: https://example.com/hook
                format: teams
                ratePerMinute: 5
            api:
              cloud: gcc-high
              publisherId: AAAAAAAA-0000-0000-0000-000000000000
              tokenEndpoint: v1
            poller:
              interval: 10m
              overlap: 30m
              initialLookback: 7d

            """
        let config = try ConfigFixtures.parse(yaml).config
        #expect(config.server.path == "/hook")
        #expect(config.server.adminListen?.port == 9090)
        #expect(!config.server.healthz && !config.server.metrics)
        #expect(config.api.cloud == .gccHigh && config.api.tokenEndpoint == .v1)
        #expect(config.api.publisherIdentifier(for: config.tenants[0]) == "aaaaaaaa-0000-0000-0000-000000000000")
        #expect(config.poller.initialLookback == .seconds(7 * 86_400))
        #expect(config.tenant(id: "11111111-1111-1111-1111-111111111111")?.label == "contoso")
        guard case .splunkHEC(let splunk) = config.sinks[1].kind, case .alertWebhook(let alerts) = config.sinks[2].kind else {
            Issue.record("unexpected sink kinds: \(config.sinks.map(\.kind.typeName))")
            return
        }
        #expect(splunk.index == "o365" && splunk.sourcetype == "o365:audit" && splunk.source == "hook" && splunk.ack)
        let filter = config.sinks[1].filter
        #expect(filter.tenants == ["11111111-1111-1111-1111-111111111111"])
        #expect(filter.accepts(tenantId: "11111111-1111-1111-1111-111111111111", contentType: .auditExchange,
                               recordType: 2, workload: "exchange", operation: "send"))
        #expect(!filter.accepts(tenantId: "11111111-1111-1111-1111-111111111111", contentType: .auditExchange,
                                recordType: 3, workload: "Exchange", operation: "Send"))
        #expect(!filter.accepts(tenantId: "11111111-1111-1111-1111-111111111111", contentType: .auditExchange,
                                recordType: 2, workload: nil, operation: "Send"))
        #expect(config.sinks[0].filter.isEmpty)
        #expect(alerts.format == .teams && alerts.ratePerMinute == 5 && alerts.recordTypes == [28, 40, 41, 47])
    }
}

@Suite("API budget and webhook lifetime keys")
struct BudgetAndLifetimeTests {
    @Test("api.requestsPerMinute defaults to 2000 and is configurable; server.webhookExpiration is optional")
    func keys() throws {
        let defaults = try ConfigFixtures.parse(ConfigFixtures.minimal).config
        #expect(defaults.api.requestsPerMinute == 2000)
        #expect(defaults.server.webhookExpiration == nil)
        let yaml = ConfigFixtures.minimal(replacing: "authId: test-auth-id-value",
                                          with: "authId: test-auth-id-value\n  webhookExpiration: 7d")
            + "api:\n  requestsPerMinute: 500\n"
        let config = try ConfigFixtures.parse(yaml).config
        #expect(config.api.requestsPerMinute == 500)
        #expect(config.server.webhookExpiration == .seconds(7 * 86_400))
        #expect(config.redactedYAML().contains("requestsPerMinute: 500"))
    }

    @Test("out-of-range values name their key")
    func broken() {
        ConfigFixtures.expectIssue(ConfigFixtures.minimal + "api:\n  requestsPerMinute: 0\n", at: "api.requestsPerMinute", containing: "must be between 1 and 1000000")
        ConfigFixtures.expectIssue(
            ConfigFixtures.minimal(replacing: "authId: test-auth-id-value", with: "authId: test-auth-id-value\n  webhookExpiration: 1h"),
            at: "server.webhookExpiration", containing: "must be at least 6h")
    }
}
