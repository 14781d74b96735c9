import Foundation
import HookLedger
import HookTestSupport
import Testing

/// Issue 12 item 2: `serve --shutdown-timeout` bounds the shutdown, even while a blob download is stalled.
@Suite struct ServeShutdownTests {
    @Test(.timeLimit(.minutes(3)))
    func sigtermDuringAStalledDownloadExitsWithinTheShutdownTimeout() async throws {
        try await withTemporaryDirectory { directory in
            try await EndToEnd.run(in: directory, sinks: ["archive"]) { env in
                let notice = try #require(try await env.publish(blobs: 1, records: 400).first)
                var uri = try #require(URLComponents(string: notice.contentUri))
                let simPort = try #require(URLComponents(string: env.sim.url)?.port)
                // Every GET of the blob stalls after its head and 4 KB of body; the low-speed limit (60 s) is far away.
                let relay = try StallingRelay(upstreamPort: UInt16(simPort), marker: uri.path, stalls: 1_000, keepBytes: 4_096)
                defer { relay.close() }
                uri.port = Int(relay.port)
                let stalled = BlobNotice(tenantId: notice.tenantId, contentType: notice.contentType, contentId: notice.contentId,
                                         contentUri: try #require(uri.string), contentCreated: notice.contentCreated,
                                         contentExpiration: notice.contentExpiration)
                let ledger = try await SQLiteLedger.open(path: env.statePath)
                _ = try await ledger.record([stalled], source: .poll, at: Date())
                await ledger.close()
                let config = try String(contentsOfFile: env.configPath, encoding: .utf8)
                    .replacingOccurrences(of: "apiRoot: \"\(env.sim.url)\"", with: "apiRoot: \"\(relay.url)\"")
                let path = directory.appendingPathComponent("relayed.yaml").path
                try config.write(toFile: path, atomically: true, encoding: .utf8)

                let serve = try ChildProcess(try TestBinaries.require("activityhook"), [
                    "serve", "--config", path, "--no-poller", "--watchdog-interval", "0", "--shutdown-timeout", "2",
                ], stderrToStdout: true)
                defer { serve.signal(SIGKILL) }
                #expect(try await firstLine(of: serve, containing: "activityhook ready", within: 60) != nil)
                #expect(await relay.waitForStalls(1) >= 1, "the blob download never started")
                serve.signal(SIGTERM)
                // Well under the workers' former fixed 20-second grace: the option is what bounds the shutdown.
                // The end of its output marks the exit; a wait cut short kills the child (so nothing hangs).
                let exited = try await firstResult(within: 15) { await serve.waitForLine { _ in false } == nil ? true : nil }
                #expect(exited == true, "serve was still running 15 s after SIGTERM with --shutdown-timeout 2")
                #expect(await serve.waitForExit() == 0)
                // The stalled blob was released, not counted as a failed attempt.
                let after = try await SQLiteLedger.open(path: env.statePath)
                let again = try #require(try await after.lease(limit: 1, for: .seconds(60), now: Date()).first)
                #expect(again.attempt == 1)
                await after.close()
            }
        }
    }
}
