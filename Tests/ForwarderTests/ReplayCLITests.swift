import Foundation
import HookLedger
import HookTestSupport
import Testing

/// `activityhook replay` and the sink backlog of `activityhook status`, as built binaries, while this
/// process keeps the same ledger open (as a running `serve` would).
@Suite struct ReplayCLITests {
    /// A config for tenant A against the simulator, with two file sinks.
    func writeConfig(in directory: URL, simURL: String) throws -> String {
        try writeSimulatorConfig(in: directory, simURL: simURL, tenant: tenantA, app: appA, secret: secretA, publisher: publisher,
                                 sinks: """
                                       - { name: archive, type: file, path: ./records.jsonl }
                                       - { name: alerts, type: file, path: ./alerts.jsonl, filter: { recordTypes: [28] } }
                                     """)
    }

    func notice(_ id: String) -> BlobNotice {
        BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: id, contentUri: "http://127.0.0.1:9/\(id)",
                   contentCreated: Date(), contentExpiration: Date().addingTimeInterval(86_400))
    }

    @Test func replayRequeuesDeadBlobsOrOneBlobAndStatusShowsEachSinksBacklog() async throws {
        try await withTemporaryDirectory { directory in
            try await withFwdSim { sim in
                let config = try self.writeConfig(in: directory, simURL: sim.url)
                let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
                let blobs = try await recordAndLease(ledger, ["d1", "d2", "done", "open"].map(self.notice))
                let byId = Dictionary(uniqueKeysWithValues: blobs.map { ($0.notice.contentId, $0) })
                #expect(try await ledger.kill(byId["d1"]!, reason: "AF20050: missing"))
                #expect(try await ledger.kill(byId["d2"]!, reason: "unparseable after 3 attempts"))
                try await ledger.recordSinkAccepted(blobId: byId["done"]!.id, sink: "archive", records: 1, now: Date())
                try await ledger.recordSinkAccepted(blobId: byId["done"]!.id, sink: "alerts", records: 0, now: Date())
                #expect(try await ledger.complete(byId["done"]!, now: Date()))
                try await ledger.recordSinkAccepted(blobId: byId["open"]!.id, sink: "archive", records: 1, now: Date())
                #expect(try await ledger.fail(byId["open"]!, error: "sinks failed: alerts", retryAt: Date()))

                let dead = try await runActivityhook(["replay", "--dead", "--config", config])
                #expect(dead.status == 0, "\(dead.output)")
                #expect(dead.output.contains("replay: requeued=2"), "\(dead.output)")
                #expect(try await ledger.state(tenantId: tenantA, contentId: "d1") == .queued)

                let one = try await runActivityhook(["replay", "--blob", "done", "--tenant", tenantA.uppercased(), "--config", config])
                #expect(one.status == 0, "\(one.output)")
                #expect(one.output.contains("replay: requeued=1"), "\(one.output)")
                #expect(try await ledger.acceptedSinks(blobId: byId["done"]!.id).isEmpty)

                let unknown = try await runActivityhook(["replay", "--blob", "nope", "--config", config])
                #expect(unknown.status == 1)
                #expect(unknown.output.contains("no blob nope"), "\(unknown.output)")
                let both = try await runActivityhook(["replay", "--dead", "--blob", "done", "--config", config])
                #expect(both.status == 64, "\(both.output)")

                // Pending now: d1, d2, done (no sink has them) and open (archive has it).
                let json = try await runActivityhook(["status", "--json", "--config", config])
                #expect(json.status == 0, "\(json.output)")
                #expect(json.output.contains(#"{"name":"archive","type":"file","state":"delivering","lagRecords":0,"lagBytes":0,"backlog":3,"#),
                        "\(json.output)")
                #expect(json.output.contains(#"{"name":"alerts","type":"file","state":"delivering","lagRecords":0,"lagBytes":0,"backlog":4,"#),
                        "\(json.output)")
                let text = try await runActivityhook(["status", "--config", config])
                #expect(text.status == 0, "\(text.output)")
                let lines = text.output.split(separator: "\n").map { $0.split(separator: " ", omittingEmptySubsequences: true) }
                #expect(lines.contains(["archive", "file", "delivering", "0", "0", "-", "3"]), "\(text.output)")
                #expect(lines.contains(["alerts", "file", "delivering", "0", "0", "-", "4"]), "\(text.output)")
                // Completeness and what is at risk: four pending blobs, the oldest first seen moments ago.
                #expect(text.output.contains("ONLY POLLED"), "\(text.output)")
                #expect(text.output.contains("oldest blob not done: "), "\(text.output)")
                #expect(json.output.contains(#""oldestPendingAgeSeconds":"#) && json.output.contains(#""expiringWithin24h":"#), "\(json.output)")
                await ledger.close()
            }
        }
    }
}
