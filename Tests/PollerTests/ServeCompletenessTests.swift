import Foundation
import HookHTTPClient
import HookLedger
import HookRecords
import HookTestSupport
import Synchronization
import Testing

/// Issue 7 against the built `serve` (receiver, poller, watchdog, workers and a file sink together): what the
/// webhook misses, the poller finds, and every published record ends up in the file.
@Suite struct ServeCompletenessTests {
    /// `serve` on a known port (the webhook address must be in the config), polling every 2 seconds.
    static func config(in directory: URL, simURL: String, port: UInt16) throws -> String {
        let yaml = """
            server: { listen: "127.0.0.1:\(port)", path: /activity-webhook, publicUrl: "http://127.0.0.1:\(port)/activity-webhook", authId: "test-auth-id-0123456789" }
            state: { path: ./state.sqlite }
            api: { apiRoot: "\(simURL)", loginUrl: "\(simURL)", publisherId: "\(publisher)" }
            tenants:
              - { tenantId: "\(tenantA)", clientId: "\(appA)", clientSecret: "\(secretA)", contentTypes: [Audit.General] }
            poller: { interval: 2s }
            sinks:
              - { name: archive, type: file, path: ./records.jsonl }
            """
        let path = directory.appendingPathComponent("activityhook.yaml").path
        try yaml.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    /// Every record the simulator serves for tenant A's Audit.General, by Id.
    static func published(_ sim: PollSim) async throws -> Set<String> {
        let client = sim.client()
        var ids: Set<String> = []
        for blob in try await client.content("Audit.General").blobs {
            let response = try await client.streamBlob(blob.contentURI)
            let body = try await response.body.collect(upTo: 64 << 20)
            withExtendedLifetime(response) {}
            for record in try RecordSplitter.split(body) { ids.insert(try #require(record.id)) }
        }
        return ids
    }

    /// The Ids in the file sink.
    static func forwarded(_ directory: URL) throws -> Set<String> {
        let data = (try? Data(contentsOf: directory.appendingPathComponent("records.jsonl"))) ?? Data()
        return Set(try RecordSplitter.split(Array("[".utf8) + Array(data).map { $0 == UInt8(ascii: "\n") ? UInt8(ascii: ",") : $0 }.dropLast() + Array("]".utf8))
            .compactMap(\.id))
    }

    /// Reads `serve`'s output until `done()` holds, checking after each line (events, not a timer); fails after `seconds`.
    static func waitUntil(_ serve: ChildProcess, within seconds: Double, _ what: String,
                          _ done: @escaping @Sendable () async throws -> Bool) async throws {
        if try await done() { return }
        let reached = try await firstResult(within: seconds) { () async -> Bool? in
            while await serve.nextLine() != nil {
                if (try? await done()) == true { return true }
            }
            return nil
        }
        try #require(reached == true, "\(what) did not happen within \(seconds) s")
    }

    /// Reads `serve`'s output until, for each group of `alternatives`, a line containing one of them was seen.
    static func waitForLines(_ serve: ChildProcess, _ alternatives: [[String]], within seconds: Double = 30) async throws {
        let pending = Mutex(alternatives)
        let reached = try await firstResult(within: seconds) { () async -> Bool? in
            while let line = await serve.nextLine() {
                let left = pending.withLock { pending in
                    pending.removeAll { group in group.contains { line.contains($0) } }
                    return pending.count
                }
                if left == 0 { return true }
            }
            return nil
        }
        try #require(reached == true, "serve never printed \(pending.withLock { $0 })")
    }

    /// The watchdog or the poller (whichever looks first) registered the subscription with its webhook.
    static let registered = [["activityhook ready"], ["webhook was not serving; re-registered", "poller found the subscription missing"]]

    /// `serve`'s `/metrics`, summed over the labels of `name`.
    static func metric(_ name: String, port: UInt16, http: HTTPClient) async throws -> Double {
        let text = String(decoding: try await http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics")).body, as: UTF8.self)
        return text.split(separator: "\n").filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }

    @Test(.timeLimit(.minutes(2)))
    func thirtyPercentNeverNotifiedStillReachTheFileAndAreCountedAsWebhookGaps() async throws {
        try await withTemporaryDirectory { directory in
            try await withPollSim(PollSim.scenario(settings: #","neverNotifyRate":0.3,"maxBlobsPerNotification":1"#)) { sim in
                let port = try freePort()
                let config = try Self.config(in: directory, simURL: sim.url, port: port)
                let serve = try ChildProcess(try TestBinaries.require("activityhook"),
                                             ["serve", "--config", config, "--watchdog-interval", "1", "--log-format", "json"],
                                             stderrToStdout: true)
                defer { serve.signal(SIGTERM) }
                // The watchdog registers the webhook at start (the validation handshake reaches serve).
                try await Self.waitForLines(serve, Self.registered)
                try await sim.control("POST", "publish",
                                      #"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":40,"recordsPerBlob":25,"notify":true}"#)
                let published = try await Self.published(sim)
                #expect(published.count == 1_000)
                try await Self.waitUntil(serve, within: 60, "every published record in the file sink") {
                    try Self.forwarded(directory) == published
                }
                let neverSent = try await sim.counter("notificationsNeverSent")
                #expect(neverSent > 0 && neverSent < 40, "the simulator should have kept back about 30% of 40 notifications")
                // The gauge is refreshed at the end of each poll cycle. Two more full listings (each relists the
                // 40 blobs inside the overlap) mean at least one whole cycle ran after every blob was in the ledger.
                let listed = try await sim.counter("blobsListed")
                try await sim.waitFor("blobsListed", atLeast: listed + 80)
                #expect(try await Self.metric("activityhook_blobs_only_polled", port: port, http: sim.http) == Double(neverSent))
                serve.signal(SIGTERM)
                #expect(await serve.waitForExit() == 0)
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func recordsKeepFlowingThroughPollingWhileTheWebhookIsDisabledAndTheWatchdogReEnablesIt() async throws {
        try await withTemporaryDirectory { directory in
            try await withPollSim { sim in
                let port = try freePort()
                let config = try Self.config(in: directory, simURL: sim.url, port: port)
                let serve = try ChildProcess(try TestBinaries.require("activityhook"),
                                             ["serve", "--config", config, "--watchdog-interval", "8", "--start-interval", "0",
                                              "--log-format", "json"],
                                             stderrToStdout: true)
                defer { serve.signal(SIGTERM) }
                try await Self.waitForLines(serve, Self.registered)
                try await sim.control("POST", "disable-webhook", #"{"tenant":"\#(tenantA)","contentType":"Audit.General"}"#)
                try await sim.control("POST", "publish",
                                      #"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":10,"recordsPerBlob":20,"notify":true}"#)
                let published = try await Self.published(sim)
                // The webhook is disabled, so the simulator delivers nothing; the poller (every 2 s) lists the blobs
                // and the workers forward them, well before the watchdog's next look (8 s).
                try await Self.waitUntil(serve, within: 60, "every published record in the file sink") {
                    try Self.forwarded(directory) == published
                }
                #expect(try await Self.metric("activityhook_poll_blobs_total", port: port, http: sim.http) >= 10)
                // The watchdog notices the disabled webhook and re-registers it (a second handshake). The start
                // guard is off here; against Microsoft it spaces /start calls 15 minutes apart.
                // (Counted once the simulator stored the re-enabled subscription, unlike the handshake before it.)
                try await sim.waitFor("subscriptionsStarted", atLeast: 2, within: 30)
                let webhook = try await sim.client().list().first { $0.contentType == "Audit.General" }?.webhook
                #expect(webhook?.status == "enabled")
                serve.signal(SIGTERM)
                #expect(await serve.waitForExit() == 0)
            }
        }
    }

    @Test(.timeLimit(.minutes(2)))
    func backfillWhileServeRunsSharesTheLedgerAndItsBlobsAreForwarded() async throws {
        try await withTemporaryDirectory { directory in
            try await withPollSim { sim in
                _ = try await sim.client().start("Audit.General", webhook: nil)
                try await sim.control("POST", "publish",
                                      #"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":30,"recordsPerBlob":10,"notify":false}"#)
                let published = try await Self.published(sim)
                let port = try freePort()
                let config = try Self.config(in: directory, simURL: sim.url, port: port)
                // No poller and no watchdog: only the backfill job, recorded by a second process on the same ledger, lists the blobs.
                let serve = try ChildProcess(try TestBinaries.require("activityhook"),
                                             ["serve", "--config", config, "--no-poller", "--watchdog-interval", "0", "--log-format", "json"],
                                             stderrToStdout: true)
                defer { serve.signal(SIGTERM) }
                try await Self.waitForLines(serve, [["activityhook ready"]])
                let since = Date().addingTimeInterval(-3600).ISO8601Format()
                let backfill = try await activityhook(["backfill", "--config", config, "--since", since])
                #expect(backfill.status == 0, "\(backfill.output)")
                // serve's job runner finds the job within a second, lists it, and the workers forward what it found.
                try await Self.waitUntil(serve, within: 60, "every backfilled record in the file sink") {
                    try Self.forwarded(directory) == published
                }
                // Run again while serve runs: idempotent, nothing new.
                let again = try await activityhook(["backfill", "--config", config, "--since", since])
                #expect(again.status == 0, "\(again.output)")
                serve.signal(SIGTERM)
                #expect(await serve.waitForExit() == 0)
                let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
                #expect(try await ledger.summary(now: Date()).total(.done) == 30)
                await ledger.close()
            }
        }
    }
}
