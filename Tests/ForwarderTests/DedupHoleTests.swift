import Foundation
import HookForwarder
import HookLedger
import HookMetrics
import HookJSON
import HookRecords
import HookSinks
import HookTestSupport
import Testing

/// Issue 13 §4: the de-duplication hole. Blob B dropped record X because blob A had claimed it; A then went
/// dead (AF20051) before X reached any sink, and X was lost. A copy is now dropped only when its owner's copy
/// is durably in the spool, so B spools X.
@Suite struct DedupHoleTests {
    static func body(_ ids: [String]) -> [UInt8] {
        Array(("[" + ids.map { #"{"Id":"\#($0)","CreationTime":"2026-12-01T10:00:00","RecordType":1}"# }.joined(separator: ",") + "]").utf8)
    }

    /// One fetcher for both blobs: A holds X and Y, B holds X and Z.
    struct TwoBlobs: BlobFetcher {
        func open(_ blob: LeasedBlob) async throws -> BlobChunks {
            BlobChunks.bytes(DedupHoleTests.body(blob.notice.contentId == "A" ? ["x", "y"] : ["x", "z"]), chunkSize: 64)
        }
    }

    @Test(arguments: [false, true])
    func aRecordDroppedForABlobThatLaterDiesStillReachesEverySink(sqlite: Bool) async throws {
        try await withTemporaryDirectory { dir in
            let ledger: any Ledger = sqlite
                ? try await SQLiteLedger.open(path: dir.appendingPathComponent("state.sqlite").path) : InMemoryLedger()
            let now = Date()
            let notices = ["A", "B"].map { id in
                BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: id, contentUri: "http://127.0.0.1:9/\(id)",
                           contentCreated: now, contentExpiration: now.addingTimeInterval(86_400))
            }
            let blobs = try await recordAndLease(ledger, notices, now: now)
            let archive = RecordingSink("archive")
            let siem = RecordingSink("siem")
            let processor = try await makeProcessor(ledger: ledger, fetcher: TwoBlobs(), sinks: [archive, siem], now: now)
            // A's first attempt claimed X and Y, then the process died before the window reached the spool.
            _ = try await ledger.claimRecords([RecordClaim(id: "x", created: Timestamp.parse("2026-12-01T10:00:00"))],
                                              blobId: try leased(notices[0], in: blobs).id, now: now)
            #expect(try await ledger.releaseOrphanedLeases() == 2)
            // B holds X too. Before the fix, B dropped X as A's.
            let again = try await ledger.lease(limit: 2, for: .seconds(60), now: now)
            let a = try #require(again.first { $0.notice.contentId == "A" })
            let b = try #require(again.first { $0.notice.contentId == "B" })
            #expect(await processor.process(b) == .done)
            // A's retry finds its content gone (AF20051): A is dead and will never spool anything.
            #expect(try await ledger.kill(a, reason: "AF20051: content expired"))
            for sink in [archive, siem] {
                let ids = Set(sink.batches.flatMap(\.records).compactMap(\.id))
                #expect(ids == ["x", "z"], "\(sink.name) got \(ids)")
            }
            if let closable = ledger as? SQLiteLedger { await closable.close() }
        }
    }
}
