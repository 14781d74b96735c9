import Foundation
import HookConfig
import HookTestSupport
import Testing

@Suite("Relative paths")
struct PathResolutionTests {
    @Test("relative paths resolve against the config file's directory, not the working directory")
    func resolvesAgainstConfigDirectory() async throws {
        try await withTemporaryDirectory { directory in
            let base = ConfigFixtures.canonical(directory)
            try ConfigFixtures.write("cert", to: "conf/tls/server.crt", in: directory)
            try ConfigFixtures.write("key", to: "conf/tls/server.key", in: directory)
            try ConfigFixtures.write("ca", to: "ca.pem", in: directory)
            let yaml = ConfigFixtures.minimal(replacing: "  authId: test-auth-id-value", with: """
                  authId: test-auth-id-value
                  tls:
                    certificate: tls/server.crt
                    privateKey: ./tls/../tls/server.key
                    clientCA: ../ca.pem
                """) + "api:\n  caFile: \(base)/ca.pem\n"
            let path = try ConfigFixtures.write(yaml, to: "conf/activityhook.yaml", in: directory)
            let config = try ConfigLoader.load(path: path, environment: [:]).config
            #expect(config.baseDirectory == "\(base)/conf")
            #expect(config.state.path == "\(base)/conf/state.sqlite")
            #expect(config.server.tls?.certificate == "\(base)/conf/tls/server.crt")
            #expect(config.server.tls?.privateKey == "\(base)/conf/tls/server.key")
            #expect(config.server.tls?.clientCA == "\(base)/ca.pem")
            #expect(config.api.caFile == "\(base)/ca.pem")
            #expect(try ConfigFixtures.fileSink(config.sinks[0]).path == "\(base)/conf/records.jsonl")
        }
    }

    @Test("parse(yaml:) resolves against the given base directory; absolute paths stay as they are")
    func parseUsesBaseDirectory() throws {
        let yaml = ConfigFixtures.minimal(replacing: "path: records.jsonl", with: "path: /var/log/records.jsonl")
        let config = try ConfigFixtures.parse(yaml, baseDirectory: "/srv/hook/").config
        #expect(config.state.path == "/srv/hook/state.sqlite")
        #expect(try ConfigFixtures.fileSink(config.sinks[0]).path == "/var/log/records.jsonl")
    }

    @Test("a missing config file is a clear error")
    func missingFile() async {
        await withTemporaryDirectory { directory in
            let path = directory.appendingPathComponent("absent.yaml").path
            #expect {
                try ConfigLoader.load(path: path, environment: [:])
            } throws: { error in
                "\(error)".contains("cannot read config file") && "\(error)".contains("absent.yaml")
            }
        }
    }
}
