import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

/// Issue 15 (docs/systemd.md): the built `serve` under a stand-in for systemd: `READY=1` once listening,
/// `WATCHDOG=1` from the health loop, SIGHUP re-reads the file (an invalid one keeps the running config, a
/// listener change waits for a restart, other changes are applied by a restart in place),
/// and `STOPPING=1` on SIGTERM.
@Suite("serve under systemd's notify protocol (built binary)")
struct ServeSystemdTests {
    @Test(.timeLimit(.minutes(3)))
    func notifyWatchdogReloadAndStop() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket(in: dir)
            defer { socket.close() }
            let config = try writeTestConfig(in: dir)
            var environment = ProcessInfo.processInfo.environment
            environment["NOTIFY_SOCKET"] = socket.path
            environment["WATCHDOG_USEC"] = "1000000"  // pings every 0.5 s
            environment.removeValue(forKey: "WATCHDOG_PID")
            let child = try ChildProcess(try TestBinaries.require("activityhook"), ["serve", "--config", config, "--log-format", "json"],
                                         environment: environment, stderrToStdout: true)
            let ready = try #require(await child.waitForLine { $0.hasPrefix("activityhook ready") })
            let base = "http://" + ready.split(separator: " ").first { $0.hasPrefix("listen=") }!.dropFirst("listen=".count)
            #expect(await socket.waitFor("READY=1"))
            #expect(socket.messages.first?.hasPrefix("READY=1\nSTATUS=serving on 127.0.0.1:") == true)
            #expect(await socket.waitFor("WATCHDOG=1", count: 3), "the health loop pings while the ledger commits")

            let client = try HTTPClient()
            defer { client.shutdown() }
            let original = try String(contentsOfFile: config, encoding: .utf8)
            // An invalid file: refused with its key path, counted, and the service keeps serving.
            try original.replacingOccurrences(of: "contentTypes: [Audit.General, DLP.All]", with: "contentTypes: [Audit.Nope]")
                .write(toFile: config, atomically: true, encoding: .utf8)
            child.signal(SIGHUP)
            let refused = await child.waitForLine { $0.contains("configuration reload refused") }
            #expect(refused?.contains("tenants[0].contentTypes") == true, "\(refused ?? "no log line")")
            #expect(await socket.waitFor("RELOADING=1"))
            #expect(await socket.waitFor("READY=1", count: 2))
            let health = try await client.execute(HTTPClientRequest(url: "\(base)/healthz"))
            #expect(health.status == 200, "still serving after a refused reload")
            // The same file again: unchanged. A changed sink: logged as needing a restart.
            try original.write(toFile: config, atomically: true, encoding: .utf8)
            child.signal(SIGHUP)
            #expect(await child.waitForLine { $0.contains("configuration reloaded: unchanged") } != nil)
            // A listener change is not applied: it needs a restart.
            try original.replacingOccurrences(of: #"listen: "127.0.0.1:0""#, with: #"listen: "127.0.0.1:1""#)
                .write(toFile: config, atomically: true, encoding: .utf8)
            child.signal(SIGHUP)
            let listener = await child.waitForLine { $0.contains("restart serve to apply it") }
            if listener == nil { Issue.record("serve ended: \(String(describing: await child.waitForExit()))") }
            #expect(listener?.contains("server") == true, "\(listener ?? "no log line")")
            #expect(await socket.waitFor("READY=1", count: 4))
            let metrics = String(decoding: try await client.execute(HTTPClientRequest(url: "\(base)/metrics")).body, as: UTF8.self)
            #expect(metrics.contains(#"activityhook_config_reload_total{result="invalid"} 1"#), "\(metrics.split(separator: "\n").filter { $0.contains("reload") })")
            #expect(metrics.contains(#"activityhook_config_reload_total{result="unchanged"} 1"#))
            #expect(metrics.contains(#"activityhook_config_reload_total{result="restart_required"} 1"#))
            // A changed sink is applied by a restart in place: same PID, same socket, READY=1 from the new process.
            try original.replacingOccurrences(of: "path: ./records.jsonl", with: "path: ./other.jsonl")
                .write(toFile: config, atomically: true, encoding: .utf8)
            child.signal(SIGHUP)
            #expect(await child.waitForLine { $0.contains("configuration reloaded and applied") } != nil)
            #expect(await socket.waitFor("READY=1", count: 5))
            let after = String(decoding: try await client.execute(HTTPClientRequest(url: "\(base)/metrics")).body, as: UTF8.self)
            #expect(after.contains(#"activityhook_config_reload_total{result="applied"} 1"#))
            #expect(try await client.execute(HTTPClientRequest(url: "\(base)/healthz")).status == 200)
            // The new process handles SIGHUP in turn.
            child.signal(SIGHUP)
            #expect(await child.waitForLine { $0.contains("configuration reloaded: unchanged") } != nil)

            child.signal(SIGTERM)
            #expect(await socket.waitFor("STOPPING=1"))
            #expect(await child.waitForExit() == 0)
        }
    }
}
