import Foundation
import HookTestSupport
import Testing

@Suite("activityhook command line (built binary)")
struct CLICommandTests {
    @Test("--help lists every subcommand and each option has help")
    func help() async throws {
        let result = try await runCLI(["--help"])
        #expect(result.status == 0)
        for command in ["serve", "register", "status", "unregister", "backfill", "check-config", "version"] {
            #expect(result.out.contains(command), "help does not mention \(command)")
        }
        let serve = try await runCLI(["serve", "--help"])
        #expect(serve.out.contains("--config"))
        #expect(serve.out.contains("--log-format"))
    }

    @Test("check-config accepts the shipped example and prints no secret")
    func checkExample() async throws {
        let example = repositoryRoot.appendingPathComponent("webhook-config/activityhook.example.yaml").path
        let result = try await runCLI(["check-config", example])
        #expect(result.status == 0, "stderr: \(result.err)")
        #expect(result.out.contains("<redacted>"))
        #expect(!result.out.contains("replace-with-a-long-random-string"))
    }

    @Test("check-config names the key of a broken value and exits 78")
    func checkBroken() async throws {
        try await withTemporaryDirectory { dir in
            let path = try writeTestConfig(in: dir)
            let broken = try String(contentsOfFile: path, encoding: .utf8)
                .replacingOccurrences(of: "66666666-7777-8888-9999-000000000000", with: "not-a-guid")
            try broken.write(toFile: path, atomically: true, encoding: .utf8)
            let result = try await runCLI(["check-config", path])
            #expect(result.status == 78)
            #expect(result.err.contains("tenants[0].clientId"))
        }
    }

    @Test("backfill needs --since and says so")
    func backfillNeedsSince() async throws {
        let result = try await runCLI(["backfill"])
        #expect(result.status == 64)
        #expect(result.err.contains("--since"))
    }

    @Test("version prints the version")
    func version() async throws {
        let result = try await runCLI(["version"])
        #expect(result.status == 0)
        #expect(result.out.hasPrefix("activityhook "))
    }
}
