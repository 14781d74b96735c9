import Foundation
import HookConfig
import HookTestSupport
import Testing

@Suite("Secrets")
struct SecretTests {
    @Test("file: secrets are read from the file, trailing newlines trimmed, relative to the config directory")
    func fileSecrets() async throws {
        try await withTemporaryDirectory { directory in
            try ConfigFixtures.write("tenant-secret-from-file\n", to: "secrets/client", in: directory)
            let authPath = try ConfigFixtures.write("auth-from-file\r\n", to: "auth", in: directory)
            var yaml = ConfigFixtures.minimal
                .replacingOccurrences(of: "clientSecret: tenant-secret-value", with: "clientSecret: file:secrets/client")
                .replacingOccurrences(of: "authId: test-auth-id-value", with: "authId: file:${AUTH_FILE}")
            yaml += """
                  - name: splunk
                    type: splunk-hec
                    url: https://splunk.example.com:8088/
                    token: file:secrets/client

                """
            let configPath = try ConfigFixtures.write(yaml, to: "activityhook.yaml", in: directory)
            let config = try ConfigLoader.load(path: configPath, environment: ["AUTH_FILE": authPath]).config
            #expect(config.server.authId.reveal() == "auth-from-file")
            guard case .clientSecret(let secret) = config.tenants[0].credential else {
                Issue.record("expected a client secret credential")
                return
            }
            #expect(secret.reveal() == "tenant-secret-from-file")
            guard case .splunkHEC(let splunk) = config.sinks[1].kind else {
                Issue.record("expected a splunk-hec sink")
                return
            }
            #expect(splunk.token.reveal() == "tenant-secret-from-file")
            #expect(splunk.url == "https://splunk.example.com:8088")
        }
    }

    @Test("an unreadable or empty secret file is an error naming the key")
    func unreadableSecretFile() async throws {
        try await withTemporaryDirectory { directory in
            try ConfigFixtures.write("\n", to: "empty", in: directory)
            let missing = ConfigFixtures.minimal(replacing: "clientSecret: tenant-secret-value",
                                                 with: "clientSecret: file:does-not-exist")
            ConfigFixtures.expectIssue(missing, at: "tenants[0].clientSecret",
                                       containing: "cannot read secret file \(ConfigFixtures.canonical(directory))/does-not-exist",
                                       baseDirectory: directory.path)
            let empty = ConfigFixtures.minimal(replacing: "authId: test-auth-id-value", with: "authId: file:empty")
            ConfigFixtures.expectIssue(empty, at: "server.authId", containing: "secret file is empty",
                                       baseDirectory: directory.path)
        }
    }

    @Test("Secret never prints its value")
    func secretDescriptions() {
        let secret = Secret("hunter2-value")
        #expect("\(secret)" == "<redacted>")
        #expect(String(describing: secret) == "<redacted>")
        #expect(String(reflecting: secret) == "<redacted>")
        var dumped = ""
        dump(secret, to: &dumped)
        #expect(!dumped.contains("hunter2"))
        #expect(secret.reveal() == "hunter2-value")
    }

    @Test("redacted YAML contains no secret value but does contain the rest")
    func redactedYAML() throws {
        var yaml = ConfigFixtures.minimal
        yaml += """
              - name: alerts
                type: alert-webhook
                url: https://hooks.slack.com/services/T000/B000/alert-url-secret
                format: slack
              - name: sentinel
                type: logs-ingestion
                endpoint: https://dce.eastus-1.ingest.monitor.azure.com
                dcrImmutableId: dcr-0123456789abcdef0123456789ABCDEF
                stream: Custom-O365Audit
                credentials:
                  tenantId: 33333333-3333-3333-3333-333333333333
                  clientId: 44444444-4444-4444-4444-444444444444
                  clientSecret: ingestion-secret-value
                filter:
                  tenants: [11111111-1111-1111-1111-111111111111]
                  workloads: [Exchange]

            """
        let config = try ConfigFixtures.parse(yaml).config
        let text = config.redactedYAML()
        for secret in ["test-auth-id-value", "tenant-secret-value", "alert-url-secret", "ingestion-secret-value"] {
            #expect(!text.contains(secret), "redacted YAML leaks \(secret)")
        }
        #expect(text.contains("authId: \"<redacted>\""))
        #expect(text.contains("clientSecret: \"<redacted>\""))
        #expect(text.contains("dcrImmutableId: dcr-0123456789abcdef0123456789abcdef"))
        #expect(text.contains("publicUrl: https://hooks.example.com/activity-webhook"))
        #expect(text.contains("interval: 5m"))
        #expect(text.contains("- Exchange"))
        #expect(!"\(config.tenants[0].credential)".contains("tenant-secret-value"))
    }

    @Test("the redacted dump is a valid config with the same values (secrets aside)")
    func redactedYAMLRoundTrips() throws {
        var yaml = ConfigFixtures.minimal(replacing: "tenantId: 11111111", with: "name: \"on\"\n    tenantId: 11111111")
        yaml += "  - name: splunk\n    type: splunk-hec\n    url: https://splunk.example.com\n    token: t\n"
            + "    source: 'it''s: \"quoted\" # not a comment'\n    sourcetype: 'o365:'\n    index: '123'\n"
            + "poller:\n  interval: 1h30m\n  overlap: 0s\n"
        let original = try ConfigFixtures.parse(yaml).config
        let reloaded = try ConfigFixtures.parse(original.redactedYAML(), baseDirectory: "/elsewhere").config
        #expect(reloaded.server.authId.reveal() == "<redacted>")
        #expect(reloaded.server.listen == original.server.listen)
        #expect(reloaded.state.path == "/etc/activityhook/state.sqlite")
        #expect(reloaded.tenants[0].name == "on")
        #expect(reloaded.tenants[0].tenantId == original.tenants[0].tenantId)
        #expect(reloaded.poller.interval == .seconds(5_400))
        #expect(reloaded.poller.overlap == .zero)
        #expect(reloaded.api.resolvedLoginURL == original.api.resolvedLoginURL)
        #expect(reloaded.sinks[0].name == "archive")
        guard case .splunkHEC(let splunk) = reloaded.sinks[1].kind else {
            Issue.record("expected a splunk-hec sink")
            return
        }
        #expect(splunk.source == "it's: \"quoted\" # not a comment")
        #expect(splunk.sourcetype == "o365:")
        #expect(splunk.index == "123")
    }
}
