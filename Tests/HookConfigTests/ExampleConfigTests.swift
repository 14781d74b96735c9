import Foundation
import HookConfig
import HookTestSupport
import Testing

@Suite("Example config")
struct ExampleConfigTests {
    let examplePath = ConfigFixtures.repositoryRoot()
        .appendingPathComponent("webhook-config/activityhook.example.yaml").path

    @Test("loads with an empty environment, without warnings, using the documented defaults")
    func loadsWithEmptyEnvironment() throws {
        let loaded = try ConfigLoader.load(path: self.examplePath, environment: [:])
        #expect(loaded.warnings.isEmpty, "unexpected warnings: \(loaded.warnings)")
        let config = loaded.config
        let exampleDirectory = ConfigFixtures.repositoryRoot().appendingPathComponent("webhook-config").path
        #expect(config.baseDirectory == exampleDirectory)
        #expect(config.server.listen == ListenAddress(host: "127.0.0.1", port: 8787))
        #expect(config.server.path == "/activity-webhook")
        #expect(config.server.publicURL == "https://hooks.example.com/activity-webhook")
        #expect(config.server.maxBodyBytes == 1_048_576)
        #expect(config.server.connectionLimit == 256)
        #expect(config.server.connectionTimeout == .seconds(30))
        #expect(config.server.threads == 2)
        #expect(config.server.adminListen == nil)
        #expect(config.server.healthz && config.server.metrics)
        #expect(config.server.tls == nil)
        #expect(config.state.path == exampleDirectory + "/state.sqlite")
        #expect(config.api.cloud == .enterprise)
        #expect(config.api.resolvedAPIRoot == "https://manage.office.com")
        #expect(config.api.tokenEndpoint == .v2)
        #expect(config.tenants.count == 1)
        #expect(config.tenants[0].name == "contoso")
        #expect(config.tenants[0].contentTypes == [.auditGeneral, .auditExchange])
        #expect(config.workers.concurrency == 8 && config.workers.maxAttempts == 10)
        #expect(config.poller.interval == .seconds(300))
        #expect(config.poller.overlap == .seconds(900))
        #expect(config.poller.initialLookback == .seconds(86_400))
        #expect(config.sinks.count == 1)
        let file = try ConfigFixtures.fileSink(config.sinks[0])
        #expect(config.sinks[0].name == "archive")
        #expect(file.path == exampleDirectory + "/records.jsonl")
        #expect(!file.envelope && file.rotateBytes == nil)
    }

    @Test("environment values replace the placeholders")
    func environmentOverridesPlaceholders() throws {
        let loaded = try ConfigLoader.load(path: self.examplePath, environment: [
            "ACTIVITYHOOK_AUTH_ID": "from-the-environment",
            "CONTOSO_TENANT_ID": "ABCDEF01-2345-6789-ABCD-EF0123456789",
        ])
        #expect(loaded.config.server.authId.reveal() == "from-the-environment")
        #expect(loaded.config.tenants[0].tenantId == "abcdef01-2345-6789-abcd-ef0123456789")
    }

    @Test("every commented-out sink and the certificate credential are valid when uncommented")
    func commentedSectionsAreValid() async throws {
        let text = try String(contentsOfFile: self.examplePath, encoding: .utf8)
        // Uncomment the optional blocks: sinks, adminListen and the tenant certificate.
        var lines: [String] = []
        var inSinks = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if line.hasPrefix("sinks:") { inSinks = true }
            if inSinks, line.hasPrefix("  # - ") || line.hasPrefix("  #   ") {
                lines.append("  " + line.dropFirst(4))
            } else if line.hasPrefix("    # certificate:") || line.hasPrefix("    #   ") {
                lines.append("    " + line.dropFirst(6))
            } else if line.hasPrefix("    clientSecret:") {
                continue
            } else {
                lines.append(String(line))
            }
        }
        try await withTemporaryDirectory { directory in
            let yaml = lines.joined(separator: "\n")
            try ConfigFixtures.write("cert", to: "certs/contoso-app.crt", in: directory)
            try ConfigFixtures.write("key", to: "certs/contoso-app.key", in: directory)
            let loaded = try ConfigLoader.parse(yaml: yaml, baseDirectory: directory.path, environment: [:])
            #expect(loaded.config.sinks.map(\.kind.typeName) == SinkKind.typeNames)
            guard case .certificate(let certificate) = loaded.config.tenants[0].credential else {
                Issue.record("the uncommented certificate credential was not used")
                return
            }
            #expect(certificate.algorithm == .ps256)
            #expect(certificate.privateKey == ConfigFixtures.canonical(directory) + "/certs/contoso-app.key")
        }
    }
}
