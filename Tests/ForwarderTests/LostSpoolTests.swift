import Foundation
import HookForwarder
import HookLedger
import HookMetrics
import HookSinks
import HookSpool
import HookTestSupport
import Testing

/// Issue 13: the spool is a durable cache in front of the ledger and Microsoft's 7-day store. A lost spool
/// (deleted directory, lost disk) makes `serve` fetch again exactly the blobs not every sink had accepted.
@Suite struct LostSpoolTests {
    @Test func aLostSpoolQueuesAgainOnlyTheBlobsNotEverySinkAccepted() async throws {
        try await withTemporaryDirectory { dir in
            let ledger = try await SQLiteLedger.open(path: dir.appendingPathComponent("state.sqlite").path)
            let now = Date()
            let notices = ["accepted", "waiting"].map { id in
                BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: id, contentUri: "https://example.invalid/\(id)",
                           contentCreated: now, contentExpiration: now.addingTimeInterval(86_400))
            }
            let blobs = try await recordAndLease(ledger, notices, now: now)
            // Both blobs were spooled (entries 0-9 and 10-19); "file" passed both, "siem" only the first.
            try await ledger.createCursors(["file", "siem"], at: 0, allSinks: ["file", "siem"], now: now)
            #expect(try await ledger.markSpooled(try leased(notices[0], in: blobs), lastSequence: 9, sinks: ["file", "siem"], now: now))
            #expect(try await ledger.markSpooled(try leased(notices[1], in: blobs), lastSequence: 19, sinks: ["file", "siem"], now: now))
            _ = try await ledger.advanceCursor(sink: "file", to: 20, sinks: ["file", "siem"], now: now)
            _ = try await ledger.advanceCursor(sink: "siem", to: 10, sinks: ["file", "siem"], now: now)
            #expect(try await ledger.state(tenantId: tenantA, contentId: "accepted") == .done)
            #expect(try await ledger.state(tenantId: tenantA, contentId: "waiting") == .spooled)

            // The machine's spool is gone: an empty directory where it was.
            let sinks: [any Sink] = [RecordingSink("file"), RecordingSink("siem")]
            let forwarding = try await Forwarding.make(
                sinks: sinks, ledger: ledger, spoolConfiguration: SpoolConfiguration(directory: dir.appendingPathComponent("spool").path),
                makePool: { spool in
                    WorkerPool(processor: BlobProcessor(ledger: ledger, fetcher: StaticFetcher(body: Array("[]".utf8)), spool: spool, sinks: sinks,
                                                        metrics: ForwarderMetrics(registry: MetricsRegistry()), logger: quietLogger),
                               settings: .init())
                }, registry: MetricsRegistry(), logger: quietLogger)
            #expect(try await ledger.state(tenantId: tenantA, contentId: "waiting") == .queued)
            #expect(try await ledger.state(tenantId: tenantA, contentId: "accepted") == .done)
            // The new spool continues past every old cursor, and every cursor starts at its end.
            #expect(forwarding.spool.end == 20)
            #expect(try await ledger.sinkCursors().map(\.next) == [20, 20])
            forwarding.spool.close()
            await ledger.close()
        }
    }
}
