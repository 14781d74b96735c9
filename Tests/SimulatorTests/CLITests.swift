import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

/// Issue point 8: the `activityhook-sim` executable.
@Suite struct SimulatorCLITests {
    @Test func readyLineScenarioAndGracefulStop() async throws {
        try await withTemporaryDirectory { dir in
            let scenario = dir.appendingPathComponent("scenario.yaml")
            try """
                settings:
                  pageSize: 5
                  startThrottleSeconds: 0
                tenants:
                  - id: \(tenantA)
                    apps:
                      - clientId: \(appA)
                        secret: \(secretA)
                        roles: [ActivityFeed.Read]
                """.write(to: scenario, atomically: true, encoding: .utf8)
            let child = try ChildProcess(try TestBinaries.require("activityhook-sim"),
                                         ["--listen", "127.0.0.1:0", "--config", scenario.path])
            let line = try #require(await child.waitForLine { $0.hasPrefix("activityhook-sim ready") })
            let url = try #require(line.split(separator: "=").last.map(String.init))
            #expect(url.hasPrefix("http://127.0.0.1:"))
            let client = try HTTPClient()
            defer { client.shutdown() }
            let sim = Sim(url: url, client: client)
            let token = try await sim.token()
            #expect(try await sim.start("Audit.General", token: token).status == 200)
            #expect(errorCode(try await sim.start("DLP.All", token: token)) == "AF10001")  // roles from the scenario
            child.signal(SIGTERM)
            #expect(await child.waitForExit() == 0)
        }
    }

    @Test func badScenarioExits78() async throws {
        try await withTemporaryDirectory { dir in
            let scenario = dir.appendingPathComponent("bad.yaml")
            try "tenants:\n  - id: not-a-guid\n".write(to: scenario, atomically: true, encoding: .utf8)
            let child = try ChildProcess(try TestBinaries.require("activityhook-sim"), ["--config", scenario.path])
            #expect(await child.waitForExit() == 78)
        }
    }
}
