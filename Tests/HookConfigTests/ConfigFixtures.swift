import Foundation
import HookConfig
import HookTestSupport
import Testing

/// Shared YAML fixtures and assertions for the config tests.
enum ConfigFixtures {
    /// The smallest valid config: every required key, nothing else.
    static let minimal = """
        server:
          listen: "127.0.0.1:8787"
          publicUrl: https://hooks.example.com/activity-webhook
          authId: test-auth-id-value
        state:
          path: state.sqlite
        tenants:
          - tenantId: 11111111-1111-1111-1111-111111111111
            clientId: 22222222-2222-2222-2222-222222222222
            clientSecret: tenant-secret-value
            contentTypes: [Audit.General]
        sinks:
          - name: archive
            type: file
            path: records.jsonl

        """

    /// The repository root, found from this source file (Tests/HookConfigTests/ConfigFixtures.swift).
    static func repositoryRoot(filePath: String = #filePath) -> URL {
        URL(fileURLWithPath: filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
    }

    /// `minimal` with `old` replaced by `new`; fails the test if `old` is not in it (a stale fixture).
    static func minimal(replacing old: String, with new: String,
                        sourceLocation: SourceLocation = #_sourceLocation) -> String {
        #expect(Self.minimal.contains(old), "fixture no longer contains \(old)", sourceLocation: sourceLocation)
        return Self.minimal.replacingOccurrences(of: old, with: new)
    }

    /// Parses `yaml` with the given environment and base directory.
    static func parse(_ yaml: String, environment: [String: String] = [:],
                      baseDirectory: String = "/etc/activityhook") throws(ConfigError) -> LoadedConfig {
        try ConfigLoader.parse(yaml: yaml, baseDirectory: baseDirectory, environment: environment)
    }

    /// The issues loading `yaml` produces; records a test failure if it loads.
    static func issues(_ yaml: String, environment: [String: String] = [:], baseDirectory: String = "/etc/activityhook",
                       sourceLocation: SourceLocation = #_sourceLocation) -> [ConfigIssue] {
        do {
            _ = try Self.parse(yaml, environment: environment, baseDirectory: baseDirectory)
            Issue.record("config loaded but was expected to fail", sourceLocation: sourceLocation)
            return []
        } catch {
            return error.issues
        }
    }

    /// Expects loading `yaml` to fail with an issue at exactly `keyPath` whose message contains `message`.
    static func expectIssue(_ yaml: String, at keyPath: String, containing message: String,
                            environment: [String: String] = [:], baseDirectory: String = "/etc/activityhook",
                            sourceLocation: SourceLocation = #_sourceLocation) {
        let issues = Self.issues(yaml, environment: environment, baseDirectory: baseDirectory, sourceLocation: sourceLocation)
        let match = issues.contains { $0.keyPath == keyPath && $0.message.contains(message) }
        #expect(match, "expected \(keyPath): …\(message)…, got:\n\(ConfigError(issues: issues))",
                sourceLocation: sourceLocation)
    }

    /// The directory's path as the loader reports it: absolute, without `.`, `..` or doubled slashes.
    static func canonical(_ directory: URL) -> String {
        "/" + directory.path.split(separator: "/").joined(separator: "/")
    }

    /// The settings of a file sink; throws if the sink is of another kind.
    static func fileSink(_ sink: SinkConfig) throws -> FileSinkConfig {
        guard case .file(let file) = sink.kind else {
            throw TestSupportError("sink \(sink.name) is \(sink.kind.typeName), not file")
        }
        return file
    }

    /// Writes `contents` to `name` inside `directory` and returns the absolute path.
    @discardableResult
    static func write(_ contents: String, to name: String, in directory: URL) throws -> String {
        let url = directory.appendingPathComponent(name)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        try Data(contents.utf8).write(to: url)
        return url.path
    }
}
