import Foundation
import HookConfig
import HookTestSupport
import Testing

/// Hostile or mangled input must produce a ConfigError, never a crash or a hang.
@Suite("Robustness")
struct RobustnessTests {
    @Test("deeply nested flow collections are rejected with an error")
    func deepFlowNesting() {
        let yaml = "server: " + String(repeating: "[", count: 5_000) + String(repeating: "]", count: 5_000) + "\n"
        ConfigFixtures.expectIssue(yaml, at: "", containing: "line 1, column 10: nested too deeply")
    }

    @Test("deeply nested block mappings are rejected with an error")
    func deepBlockNesting() {
        var yaml = ""
        // 1,100 levels stays under the size cap, so it is the nesting limit that must stop it.
        for depth in 0..<1_100 { yaml += String(repeating: " ", count: depth) + "k:\n" }
        ConfigFixtures.expectIssue(yaml, at: "", containing: "nested too deeply")
    }

    @Test("anchors, aliases and merge keys work")
    func anchorsAndMergeKeys() throws {
        let full = """
            server:
              publicUrl: https://hooks.example.com/activity-webhook
              authId: &auth auth-value
            state: {path: state.sqlite}
            tenants:
              - &first
                tenantId: 11111111-1111-1111-1111-111111111111
                clientId: 22222222-2222-2222-2222-222222222222
                clientSecret: *auth
                contentTypes: &types [Audit.General, DLP.All]
              - <<: *first
                tenantId: 33333333-3333-3333-3333-333333333333
                name: second
            sinks:
              - {name: out, type: stdout, filter: {contentTypes: *types}}
            """
        let config = try ConfigFixtures.parse(full).config
        #expect(config.tenants.count == 2)
        #expect(config.tenants[1].clientId == "22222222-2222-2222-2222-222222222222")
        #expect(config.tenants[1].tenantId == "33333333-3333-3333-3333-333333333333")
        #expect(config.tenants[1].contentTypes == [.auditGeneral, .dlpAll])
        #expect(config.sinks[0].filter.contentTypes == [.auditGeneral, .dlpAll])
    }

    @Test("an alias bomb is answered quickly with errors, not expanded")
    func aliasBomb() {
        var yaml = "a0: &a0 [x, x, x, x, x, x, x, x, x, x]\n"
        for level in 1...12 {
            let refs = Array(repeating: "*a\(level - 1)", count: 10).joined(separator: ", ")
            yaml += "a\(level): &a\(level) [\(refs)]\n"
        }
        yaml += "tenants: *a12\nsinks: *a12\n"
        let issues = ConfigFixtures.issues(yaml)
        #expect(issues.contains { $0.keyPath == "a12" && $0.message == "unknown key" })
        #expect(issues.contains { $0.keyPath == "tenants[9]" && $0.message.contains("expected a mapping, got a list") })
    }

    @Test("an undefined alias is a YAML error")
    func undefinedAlias() {
        ConfigFixtures.expectIssue("server: *nothing\n", at: "", containing: "found undefined alias")
    }

    @Test("non-UTF-8 files, binary junk and NUL bytes are rejected cleanly")
    func nonUTF8() async throws {
        try await withTemporaryDirectory { directory in
            let latin1 = directory.appendingPathComponent("latin1.yaml")
            try Data([0x73, 0x65, 0x72, 0x76, 0x65, 0x72, 0x3A, 0x20, 0xE9, 0xFF, 0x0A]).write(to: latin1)
            #expect {
                try ConfigLoader.load(path: latin1.path, environment: [:])
            } throws: { error in
                "\(error)".contains("not valid UTF-8")
            }
            let nul = ConfigFixtures.minimal.replacingOccurrences(of: "authId: test", with: "authId: te\u{0}st")
            #expect(!ConfigFixtures.issues(nul).isEmpty)
            let huge = String(repeating: "#", count: ConfigLoader.maximumConfigBytes + 1)
            ConfigFixtures.expectIssue(huge, at: "", containing: "larger than")
        }
    }

    @Test("odd scalars in typed positions give typed errors", arguments: [
        ("1e400", "expected an integer, got a number (1e400)"),
        ("true", "expected an integer, got a boolean (true)"),
        ("[1]", "expected an integer, got a list"),
        ("{a: 1}", "expected an integer, got a mapping"),
        ("\"\"", "expected an integer, got an empty string"),
        ("-99999999999999999999", "is too large"),
    ])
    func oddScalars(value: String, message: String) {
        ConfigFixtures.expectIssue(ConfigFixtures.minimal + "workers:\n  concurrency: \(value)\n",
                                   at: "workers.concurrency", containing: message)
    }

    @Test("non-string keys and several documents are errors")
    func oddStructure() {
        ConfigFixtures.expectIssue(ConfigFixtures.minimal + "? [a, b]\n: c\n", at: "", containing: "keys must be plain strings")
        ConfigFixtures.expectIssue(ConfigFixtures.minimal + "---\nserver: {}\n", at: "", containing: "but found another document")
    }
}
