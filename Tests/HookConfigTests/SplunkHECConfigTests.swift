import Foundation
import HookConfig
import HookTestSupport
import Testing

@Suite("splunk-hec sink keys")
struct SplunkHECConfigTests {
    static func yaml(_ extra: String) -> String {
        ConfigFixtures.minimal + "  - name: splunk\n    type: splunk-hec\n    url: https://splunk.example.com:8088\n    token: hec-secret-token\n" + extra
    }

    @Test("host, ackPollInterval, ackTimeout, maxBatchBytes and tlsCAFile are read, defaulted and redacted")
    func keys() async throws {
        try await withTemporaryDirectory { dir in
            let ca = dir.appendingPathComponent("hec-ca.pem")
            try Data("-----BEGIN CERTIFICATE-----\n".utf8).write(to: ca)
            let config = try ConfigFixtures.parse(Self.yaml("""
                    host: hook-1
                    ack: true
                    ackPollInterval: 500ms
                    ackTimeout: 2m
                    maxBatchBytes: 65536
                    tlsCAFile: \(ca.path)

                """)).config
            guard case .splunkHEC(let hec) = config.sinks[1].kind else {
                Issue.record("expected a splunk-hec sink")
                return
            }
            #expect(hec.host == "hook-1" && hec.ack)
            #expect(hec.ackPollInterval == .milliseconds(500) && hec.ackTimeout == .seconds(120))
            #expect(hec.maxBatchBytes == 65_536 && hec.tlsCAFile == ConfigFixtures.canonical(dir) + "/hec-ca.pem")
            let redacted = config.redactedYAML()
            #expect(redacted.contains("ackPollInterval: 500ms") && redacted.contains("ackTimeout: 2m"))
            #expect(redacted.contains("maxBatchBytes: 65536") && redacted.contains("host: hook-1"))
            #expect(!redacted.contains("hec-secret-token"))
        }
    }

    @Test("defaults: 10s polls, 5m timeout, 1 MB bodies, no host or CA file")
    func defaults() throws {
        let config = try ConfigFixtures.parse(Self.yaml("")).config
        guard case .splunkHEC(let hec) = config.sinks[1].kind else {
            Issue.record("expected a splunk-hec sink")
            return
        }
        #expect(hec.ackPollInterval == .seconds(10) && hec.ackTimeout == .seconds(300))
        #expect(hec.maxBatchBytes == 1 << 20 && hec.host == nil && hec.tlsCAFile == nil && !hec.ack)
    }

    @Test("out-of-range values are reported at their key")
    func invalid() {
        ConfigFixtures.expectIssue(Self.yaml("    ackTimeout: 0s\n"), at: "sinks[1].ackTimeout", containing: "must be at least 1s")
        ConfigFixtures.expectIssue(Self.yaml("    maxBatchBytes: 10\n"), at: "sinks[1].maxBatchBytes", containing: "1024")
        ConfigFixtures.expectIssue(Self.yaml("    tlsCAFile: /nonexistent/ca.pem\n"), at: "sinks[1].tlsCAFile",
                                   containing: "file not found")
    }
}
