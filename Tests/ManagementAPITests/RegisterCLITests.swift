import Foundation
import HookLedger
import HookManagementAPI
import HookTestSupport
import Testing

/// Issue 5 §5: `register`, `status`, `unregister` end to end against the simulator and a real `serve`.
@Suite struct RegisterCLITests {
    @Test func registerValidatesIntoServeAndIsIdempotent() async throws {
        try await withTemporaryDirectory { dir in
            try await withSim { sim in
                let port = try freePort()
                let config = try writeAPIConfig(in: dir, simURL: sim.url, webhookPort: port)
                try await withServe(config: config) { _ in
                    let first = try await activityhook(["register", "--config", config])
                    #expect(first.status == 0, "\(first.output)")
                    #expect(first.output.contains("TENANT"))
                    #expect(first.output.contains("Audit.General") && first.output.contains("Audit.Exchange"))
                    #expect(first.output.components(separatedBy: "started").count - 1 == 2, "\(first.output)")
                    // The real validation handshake went into serve.
                    #expect(try await sim.counter("validations") == 2)
                    #expect(try await sim.counter("validationsFailed") == 0)
                    let subscriptions = try await sim.client().list()
                    #expect(subscriptions.count == 2)
                    #expect(subscriptions.allSatisfy {
                        $0.isServing(address: "http://127.0.0.1:\(port)/activity-webhook", authId: "test-auth-id-0123456789")
                    })

                    // Run again: nothing to do, no /start sent.
                    let second = try await activityhook(["register", "--config", config])
                    #expect(second.status == 0, "\(second.output)")
                    #expect(!second.output.contains("started"))
                    #expect(second.output.components(separatedBy: "none").count - 1 == 2, "\(second.output)")

                    // Forced, with the start guard relaxed: Microsoft answers AF20024, which is success.
                    let forced = try await activityhook(["register", "--config", config, "--force", "--start-interval", "0"])
                    #expect(forced.status == 0, "\(forced.output)")
                    #expect(forced.output.contains("already-enabled"))

                    // Forced again with the default guard: the starts just made hold it back (persisted).
                    let guarded = try await activityhook(["register", "--config", config, "--force"])
                    #expect(guarded.status == 1)
                    #expect(guarded.output.contains("deferred"))
                    #expect(guarded.output.contains("one per 15 minutes"))

                    let status = try await activityhook(["status", "--config", config, "--json"])
                    #expect(status.status == 0, "\(status.output)")
                    let object = try #require(try JSONSerialization.jsonObject(with: Data(status.output.utf8)) as? [String: Any])
                    let rows = try #require(object["subscriptions"] as? [[String: Any]])
                    #expect(rows.count == 2)
                    #expect(rows.allSatisfy { $0["webhookStatus"] as? String == "enabled" && $0["ledger"] is [String: Any] })
                    let table = try await activityhook(["status", "--config", config])
                    #expect(table.output.contains("SUBSCRIPTION") && table.output.contains("QUEUED"))

                    let stopped = try await activityhook(["unregister", "--config", config, "--content-type", "audit.exchange"])
                    #expect(stopped.status == 0, "\(stopped.output)")
                    let after = try await sim.client().list()
                    #expect(after.first { $0.contentType == "Audit.Exchange" }?.status != "enabled")
                    #expect(after.first { $0.contentType == "Audit.General" }?.status == "enabled")
                }
            }
        }
    }

    @Test func registerAgainstAStoppedServeFailsWithTheHint() async throws {
        try await withTemporaryDirectory { dir in
            try await withSim { sim in
                let config = try writeAPIConfig(in: dir, simURL: sim.url, webhookPort: try freePort(), contentTypes: "[Audit.General]")
                let result = try await activityhook(["register", "--config", config])
                #expect(result.status == 1)
                #expect(result.output.contains("AF20021"))
                #expect(result.output.contains(
                    "Microsoft could not validate your webhook: is `activityhook serve` running and reachable at server.publicUrl through your proxy?"))
            }
        }
    }

    @Test func registerWithABadSecretNamesTheKey() async throws {
        try await withTemporaryDirectory { dir in
            try await withSim(SimEnv.scenario().replacingOccurrences(of: secretA, with: "another-secret")) { sim in
                let config = try writeAPIConfig(in: dir, simURL: sim.url, webhookPort: try freePort(), contentTypes: "[Audit.General]")
                let result = try await activityhook(["register", "--config", config])
                #expect(result.status == 1)
                #expect(result.output.contains("AADSTS7000215"))
                #expect(result.output.contains("invalid client secret: check tenants[0].clientSecret"))
            }
        }
    }

    @Test func registerWithoutTheDlpPermissionSaysWhatToGrant() async throws {
        try await withTemporaryDirectory { dir in
            try await withSim { sim in
                let config = try writeAPIConfig(in: dir, simURL: sim.url, webhookPort: try freePort(), contentTypes: "[DLP.All]",
                                                clientId: appNoDlp)
                let result = try await activityhook(["register", "--config", config])
                #expect(result.status == 1)
                #expect(result.output.contains("failed: AF10001"))
                #expect(result.output.contains("grant ActivityFeed.Read / ActivityFeed.ReadDlp and admin consent"))
            }
        }
    }

    @Test func startGuardSurvivesARestart() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("ledger.sqlite").path
            let now = Date()
            let first = try await SQLiteLedger.open(path: path)
            let guardian = StartGuard(store: first)
            #expect(try await guardian.claim(tenantId: tenantA, contentType: "Audit.General", now: now) == nil)
            let held = try await guardian.claim(tenantId: tenantA, contentType: "audit.general", now: now.addingTimeInterval(60))
            #expect(held.map { abs($0.timeIntervalSince(now) - 900) < 0.01 } == true)
            // Another content type is independent.
            #expect(try await guardian.claim(tenantId: tenantA, contentType: "Audit.Exchange", now: now) == nil)
            await first.close()

            let reopened = try await SQLiteLedger.open(path: path)
            let again = StartGuard(store: reopened)
            #expect(try await again.claim(tenantId: tenantA, contentType: "Audit.General", now: now.addingTimeInterval(600)) != nil)
            #expect(try await again.claim(tenantId: tenantA, contentType: "Audit.General", now: now.addingTimeInterval(901)) == nil)
            #expect(try await reopened.lastStart(tenantId: tenantA, contentType: "audit.general").map {
                abs($0.timeIntervalSince(now) - 901) < 0.01 } == true)
            await reopened.close()
        }
    }
}

/// `scripts/register-webhook` wraps `activityhook register` with a summary and its exit status.
@Suite struct RegisterScriptTests {
    static let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("scripts/register-webhook")

    /// Runs the script with `arguments` and returns its status and output lines.
    static func run(_ arguments: [String]) async throws -> (status: Int32, lines: [String]) {
        let child = try ChildProcess(URL(fileURLWithPath: "/bin/bash"), [Self.script.path] + arguments,
                                     environment: ["ACTIVITYHOOK_BIN": try TestBinaries.require("activityhook").path],
                                     stderrToStdout: true)
        var lines: [String] = []
        while let line = await child.nextLine() { lines.append(line) }
        return (await child.waitForExit(), lines)
    }

    @Test func summarisesSuccessAndFailure() async throws {
        try await withTemporaryDirectory { dir in
            try await withSim { sim in
                let config = try writeAPIConfig(in: dir, simURL: sim.url, webhookPort: try freePort(), contentTypes: "[Audit.General]")
                let failed = try await Self.run(["-c", config])
                #expect(failed.status == 1)
                #expect(failed.lines.contains { $0.hasPrefix("FAILED: some subscriptions") })
                #expect(failed.lines.contains { $0.contains("AF20021") })
                try await withServe(config: config) { _ in
                    // The failed start above holds the guard for 15 minutes: the script reports that, too.
                    let held = try await Self.run(["-c", config])
                    #expect(held.status == 1)
                    #expect(held.lines.contains { $0.contains("deferred") })
                    let good = try await Self.run(["-c", config, "--start-interval", "0"])
                    #expect(good.status == 0, "\(good.lines)")
                    #expect(good.lines.contains { $0.hasPrefix("OK: every subscription is enabled with this webhook (1 started") })
                }
            }
        }
    }
}
