import Foundation
import HookHTTPClient
import HookRecords
import HookTestSupport
import SimulatorTestSupport
import Synchronization
import Testing

/// Issue 15 item 3 (docs/systemd.md): SIGHUP with a changed sink and changed worker settings is applied on the
/// built binary under load, by a restart in place that keeps the listening socket open. No webhook request
/// fails and no record is lost; the added sink starts at the spool's end.
@Suite struct ServeReloadTests {
    @Test(.timeLimit(.minutes(4)))
    func aReloadThatAddsASinkUnderLoadDropsNoRequestAndNoRecord() async throws {
        try await withTemporaryDirectory { dir in
            try await withInProcessSimulator(scenario: FwdSim.scenario()) { url, http in
                let sim = FwdSim(url: url, http: http)
                let configPath = dir.appendingPathComponent("activityhook.yaml").path
                func writeConfig(publicURL: String, sinks: [String], concurrency: Int) throws {
                    try """
                        server: { listen: "127.0.0.1:0", path: /activity-webhook, publicUrl: "\(publicURL)", authId: "test-auth-id-0123456789" }
                        state: { path: ./state.sqlite }
                        api: { apiRoot: "\(url)", loginUrl: "\(url)", publisherId: "\(publisher)" }
                        workers: { concurrency: \(concurrency) }
                        tenants: [ { tenantId: "\(tenantA)", clientId: "\(appA)", clientSecret: "\(secretA)", contentTypes: [Audit.General] } ]
                        sinks:
                        \(sinks.map { "  - { name: \($0), type: file, path: ./\($0).jsonl }" }.joined(separator: "\n"))
                        """.write(toFile: configPath, atomically: true, encoding: .utf8)
                }
                try writeConfig(publicURL: "http://127.0.0.1:9/activity-webhook", sinks: ["archive"], concurrency: 2)
                let serve = try ChildProcess(try TestBinaries.require("activityhook"),
                                             ["serve", "--config", configPath, "--no-poller", "--watchdog-interval", "0", "--log-format", "json"],
                                             stderrToStdout: true)
                defer { serve.signal(SIGKILL) }
                let ready = try #require(await serve.waitForLine { $0.hasPrefix("activityhook ready") })
                let listen = String(ready.split(separator: " ").first { $0.hasPrefix("listen=") }!.dropFirst("listen=".count))
                let webhook = "http://\(listen)/activity-webhook"
                try writeConfig(publicURL: webhook, sinks: ["archive"], concurrency: 2)
                let register = try await runActivityhook(["register", "--config", configPath, "--start-interval", "0"])
                #expect(register.status == 0, "\(register.output)")

                // The load: the notices of three blobs, posted again and again for as long as the test runs.
                let loadNotices = try await sim.control("POST", "publish", """
                    {"tenant":"\(tenantA)","contentType":"Audit.General","blobs":3,"recordsPerBlob":40,"notify":false}
                    """)["published"] as? [[String: Any]] ?? []
                let bodies = try loadNotices.map { item in
                    String(decoding: try JSONSerialization.data(withJSONObject: [[
                        "tenantId": tenantA, "clientId": appA, "contentType": "Audit.General",
                        "contentId": item["contentId"] as? String ?? "", "contentUri": item["contentUri"] as? String ?? "",
                        "contentCreated": item["contentCreated"] as? String ?? "", "contentExpiration": item["contentExpiration"] as? String ?? "",
                    ]]), as: UTF8.self)
                }
                let tally = LoadTally()
                let stop = tally
                let client = try HTTPClient()
                defer { client.shutdown() }
                // Four posters at once, so that requests are in flight whenever the reload happens.
                let load = Task {
                    await withTaskGroup(of: Void.self) { group in
                        for poster in 0..<4 {
                            group.addTask {
                                var index = poster
                                while !stop.stopped {
                                    index += 1
                                    let request = HTTPClientRequest(
                                        method: "POST", url: webhook,
                                        headers: ["Content-Type": "application/json; utf-8", "Webhook-AuthID": "test-auth-id-0123456789"],
                                        body: Array(bodies[index % bodies.count].utf8))
                                    do {
                                        let status = try await client.execute(request).status
                                        tally.record(status == 200 ? nil : "status \(status)")
                                    } catch {
                                        tally.record("\(error)")
                                    }
                                }
                            }
                        }
                    }
                }
                defer { load.cancel() }

                func publishNotified(_ blobs: Int) async throws -> [String] {
                    let published = try await sim.control("POST", "publish", """
                        {"tenant":"\(tenantA)","contentType":"Audit.General","blobs":\(blobs),"recordsPerBlob":60,"notify":true}
                        """)["published"] as? [[String: Any]] ?? []
                    return published.compactMap { $0["contentUri"] as? String }
                }
                let before = try await publishNotified(4)
                // A sink added and the workers' concurrency changed: applied by a restart in place.
                try writeConfig(publicURL: webhook, sinks: ["archive", "added"], concurrency: 3)
                let okBefore = tally.ok
                serve.signal(SIGHUP)
                let applied = await serve.waitForLine { $0.contains("configuration reloaded and applied") }
                if applied == nil { Issue.record("the reload was not applied; serve ended with \(String(describing: await serve.waitForExit()))") }
                let after = try await publishNotified(4)
                let okAfterReload = tally.ok
                let served = try await sim.control("GET", "wait?counter=blobsServed&atLeast=11&timeoutSeconds=120")
                #expect(served["reached"] as? Bool == true, "blobs served: \(served["value"] ?? "?")")
                tally.stop()
                await load.value
                let (ok, failed) = (tally.ok, tally.failed)
                #expect(failed.isEmpty, "webhook requests failed around the reload: \(failed.prefix(5))")
                #expect(ok > okBefore && okAfterReload > okBefore, "the load kept going: \(okBefore) → \(okAfterReload) → \(ok)")

                // Every record of all eleven blobs reaches the file once; the added sink gets what was spooled
                // after it was added, at least every record of the blobs published afterwards.
                #expect(try await CaughtUpWatch().wait(serve, sinks: ["archive", "added"], within: 120))
                func ids(of uris: [String]) async throws -> Set<String> {
                    var ids = Set<String>()
                    for uri in uris {
                        let response = try await sim.client().streamBlob(uri)
                        let body = try await response.body.collect(upTo: 64 << 20)
                        withExtendedLifetime(response) {}
                        ids.formUnion(try RecordSplitter.split(body).compactMap(\.id))
                    }
                    return ids
                }
                func fileIds(_ name: String) throws -> [String] {
                    try String(contentsOfFile: dir.appendingPathComponent("\(name).jsonl").path, encoding: .utf8)
                        .split(separator: "\n").compactMap { try RecordSplitter.split(Array("[\($0)]".utf8)).first?.id }
                }
                let all = try await ids(of: loadNotices.compactMap { $0["contentUri"] as? String } + before + after)
                let archive = try fileIds("archive")
                #expect(archive.count == all.count, "archive has \(archive.count) lines for \(all.count) records")
                #expect(Set(archive) == all)
                let added = Set(try fileIds("added"))
                #expect(added.isSuperset(of: try await ids(of: after)))
                #expect(added.isSubset(of: all))
                let metrics = String(decoding: try await client.execute(HTTPClientRequest(url: "http://\(listen)/metrics")).body, as: UTF8.self)
                #expect(metrics.contains(#"activityhook_config_reload_total{result="applied"} 1"#))
                serve.signal(SIGTERM)
                #expect(await serve.waitForExit() == 0)
            }
        }
    }
}

/// The load's outcome, shared by its posters.
final class LoadTally: Sendable {
    private let state = Mutex<(ok: Int, failed: [String], stopped: Bool)>((0, [], false))
    func record(_ failure: String?) { self.state.withLock { if let failure { $0.failed.append(failure) } else { $0.ok += 1 } } }
    func stop() { self.state.withLock { $0.stopped = true } }
    var stopped: Bool { self.state.withLock { $0.stopped } }
    var ok: Int { self.state.withLock { $0.ok } }
    var failed: [String] { self.state.withLock { $0.failed } }
}
