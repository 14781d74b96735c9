import Foundation
import HookLedger
import HookRetry
import HookTestSupport
import SimulatorTestSupport
import Testing

/// Backfill jobs run by a built `activityhook serve`: picked up when recorded before it started, followed
/// with `--follow`, shown in `status`, and inside the per-tenant request budget with everything else.
@Suite struct BackfillJobTests {
    @Test func servePicksUpAJobRecordedBeforeItStartedAndFollowShowsPlainLinesOrABar() async throws {
        try await withTemporaryDirectory { directory in
            try await withPollSim(PollSim.scenario(settings: #","pageSize":10"#)) { sim in
                _ = try await sim.client().start("Audit.General", webhook: nil)
                try await sim.publish(blobs: 25, ageSeconds: 6 * 86_400 + 22 * 3600)
                try await sim.publish(blobs: 5)
                let config = try writeConfig(in: directory, simURL: sim.url, extra: "poller:\n  interval: 1h\n")
                let since = Date().addingTimeInterval(-(6 * 86_400 + 23 * 3600)).ISO8601Format()
                let until = Date().addingTimeInterval(2).ISO8601Format()
                let first = try await activityhook(["backfill", "--config", config, "--since", since, "--until", until])
                #expect(first.status == 0, "\(first.output)")

                let serve = try await startServe(config)
                defer { serve.signal(SIGTERM) }
                // A second job, followed: standard output is a pipe, so plain lines, no bar.
                let followed = try await firstResult(within: 120) {
                    try? await activityhook(["backfill", "--config", config, "--since", since, "--until", until, "--follow"])
                }
                let output = try #require(followed, "backfill --follow did not end").output
                #expect(followed?.status == 0, "\(output)")
                #expect(!output.contains("\r") && !output.contains("[#") && !output.contains("[."), "\(output)")
                #expect(output.contains("job 2 "), "\(output)")
                // 6 d 23 h in windows of at most 24 h: seven windows; the blobs were found (again) and all forwarded.
                #expect(output.contains("backfill done: job=2 windows=7 found=30 forwarded=30 unforwarded=0"), "\(output)")
                #expect(!output.contains("no activityhook serve is running"), "\(output)")

                // On a terminal (a pseudo-terminal from script(1)): a bar redrawn in place, full at the end.
                let binary = try TestBinaries.require("activityhook").path
                let onTerminal = try await firstResult(within: 120) { () async -> String? in
                    guard let child = try? ChildProcess(URL(fileURLWithPath: "/usr/bin/script"), [
                        "-qec", "'\(binary)' backfill --config '\(config)' --since \(since) --until \(until) --follow", "/dev/null",
                    ], stderrToStdout: true) else { return nil }
                    var lines: [String] = []
                    while let line = await child.nextLine() { lines.append(line) }
                    return await child.waitForExit() == 0 ? lines.joined(separator: "\n") : nil
                }
                let drawn = try #require(onTerminal, "backfill --follow on a terminal did not end")
                #expect(drawn.contains("\r\u{1B}[K[" + String(repeating: "#", count: 30) + "] job 3 listed"), "\(drawn)")
                #expect(drawn.contains("backfill done: job=3 "), "\(drawn)")

                let status = try await activityhook(["status", "--config", config])
                #expect(status.output.contains("BACKFILL JOB"), "\(status.output)")
                let json = try await activityhook(["status", "--config", config, "--json"])
                #expect(json.output.contains(#"{"id":1,"state":"listed","#), "\(json.output)")
                #expect(json.output.contains(#"{"id":3,"state":"listed","#), "\(json.output)")
                #expect(json.output.contains(#""windowsListed":7,"windowsTotal":7,"blobsFound":30,"blobsForwarded":30"#), "\(json.output)")
                serve.signal(SIGTERM)
                #expect(await serve.waitForExit() == 0)

                let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
                let job = try #require(try await ledger.backfillJob(id: 1))
                #expect(job.state == .listed && job.windowsListed == 7 && job.blobsFound == 30 && job.blobsForwarded == 30)
                // A backfill leaves the poll watermark to the poller (which polled only the last hour).
                #expect(try await ledger.completeness().first?.listed == 30)
                await ledger.close()
            }
        }
    }

    /// Budget 20 calls per 2-second "minute" on both sides (the simulator answers 429 past it). serve's
    /// workers fetch 50 blobs, its poller polls every second, a 6-day backfill lists 25 pages and `status`
    /// asks twice meanwhile: every call comes out of the one budget in the ledger.
    @Test func aSixDayBackfillBesideABusyServeNeverExceedsTheBudgetInAnyWindow() async throws {
        try await withTemporaryDirectory { directory in
            let budget = 20
            let scenario = PollSim.scenario(settings: #","pageSize":2,"tenantBudgetPerMinute":\#(budget),"throttleWindowSeconds":2"#)
            try await withPollSim(scenario) { sim in
                // The set-up's own call goes as another publisher: a budget pool of its own in the simulator.
                let setup = simulatedTenantClient(url: sim.url, http: sim.http, tenant: tenantA, app: appA, secret: secretA,
                                                  publisher: "88888888-8888-8888-8888-888888888888", backoff: Backoff())
                _ = try await setup.start("Audit.General", webhook: nil)
                try await sim.publish(blobs: 40, ageSeconds: 5 * 86_400)
                try await sim.publish(blobs: 10)
                let config = try writeConfig(in: directory, simURL: sim.url, extra: "poller:\n  interval: 1s\n",
                                             apiExtra: "requestsPerMinute: \(budget)\n  requestWindowSeconds: 2")
                let serve = try await startServe(config)
                defer { serve.signal(SIGTERM) }
                let since = Date().addingTimeInterval(-6 * 86_400).ISO8601Format()
                async let followed = firstResult(within: 240) {
                    try? await activityhook(["backfill", "--config", config, "--since", since, "--follow"])
                }
                try await sim.waitFor("blobsServed", atLeast: 5)
                for _ in 0..<2 { _ = try await activityhook(["status", "--config", config, "--json"]) }
                let output = try #require(try await followed, "backfill --follow did not end").output
                #expect(output.contains("backfill done: job=1 windows="), "\(output)")
                #expect(output.contains(" found=50 forwarded=50 unforwarded=0"), "\(output)")
                serve.signal(SIGTERM)
                #expect(await serve.waitForExit() == 0)

                #expect(try await sim.counter("throttled") == 0)
                let busiest = try await sim.counter("busiestBudgetWindow")
                #expect(busiest <= budget)
                #expect(busiest >= budget / 2, "the load never came near the budget: \(busiest)")
                // Every blob fetched once at least, and every page of the backfill and the polls listed.
                #expect(try await sim.counter("blobsServed") >= 50)
                #expect(try await sim.counter("blobsListed") >= 60)
            }
        }
    }
}
