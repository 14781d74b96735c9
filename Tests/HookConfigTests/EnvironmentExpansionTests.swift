import HookConfig
import Testing

@Suite("Environment expansion")
struct EnvironmentExpansionTests {
    @Test("${NAME} takes the variable's value, in any value including numbers")
    func expandsVariables() throws {
        var yaml = ConfigFixtures.minimal(replacing: "authId: test-auth-id-value", with: "authId: ${AUTH}")
        yaml += "workers:\n  concurrency: ${WORKERS}\n"
        let config = try ConfigFixtures.parse(yaml, environment: ["AUTH": "auth-from-env", "WORKERS": "3"]).config
        #expect(config.server.authId.reveal() == "auth-from-env")
        #expect(config.workers.concurrency == 3)
    }

    @Test("${NAME:-fallback} uses the fallback when the variable is unset or empty")
    func usesFallback() throws {
        let yaml = ConfigFixtures.minimal(replacing: "authId: test-auth-id-value",
                                          with: "authId: prefix-${AUTH:-fallback-value}-suffix")
        let unset = try ConfigFixtures.parse(yaml, environment: [:]).config
        #expect(unset.server.authId.reveal() == "prefix-fallback-value-suffix")
        let empty = try ConfigFixtures.parse(yaml, environment: ["AUTH": ""]).config
        #expect(empty.server.authId.reveal() == "prefix-fallback-value-suffix")
        let set = try ConfigFixtures.parse(yaml, environment: ["AUTH": "real"]).config
        #expect(set.server.authId.reveal() == "prefix-real-suffix")
    }

    @Test("an unset variable without fallback names the key and the variable")
    func missingVariableIsAnError() {
        let yaml = ConfigFixtures.minimal(replacing: "clientSecret: tenant-secret-value",
                                          with: "clientSecret: ${CONTOSO_SECRET}")
        let issues = ConfigFixtures.issues(yaml)
        #expect(issues.count == 1)
        #expect(issues.first?.keyPath == "tenants[0].clientSecret")
        #expect(issues.first?.message.contains("environment variable CONTOSO_SECRET is not set") == true)
    }

    @Test("$${ is a literal ${, expanded values are not expanded again, and a lone $ is kept")
    func escapesAndSinglePass() throws {
        let yaml = ConfigFixtures.minimal(replacing: "authId: test-auth-id-value", with: "authId: a$b-$${X}-${Y}")
        let config = try ConfigFixtures.parse(yaml, environment: ["Y": "${Z}"]).config
        #expect(config.server.authId.reveal() == "a$b-${X}-${Z}")
    }

    @Test("malformed references are reported", arguments: ["${UNCLOSED", "${1BAD}", "${}"])
    func malformedReference(reference: String) {
        let yaml = ConfigFixtures.minimal(replacing: "path: state.sqlite", with: "path: \"\(reference)\"")
        ConfigFixtures.expectIssue(yaml, at: "state.path", containing: "malformed environment reference")
    }

    @Test("a malformed reference in a secret is reported without quoting the secret")
    func malformedSecretIsNotEchoed() {
        let yaml = ConfigFixtures.minimal(replacing: "clientSecret: tenant-secret-value",
                                          with: "clientSecret: \"s3cr3t${oops\"")
        let issues = ConfigFixtures.issues(yaml)
        #expect(issues.map(\.keyPath) == ["tenants[0].clientSecret"])
        #expect(issues.allSatisfy { !$0.message.contains("oops") && $0.message.contains("malformed environment reference") })
    }
}
