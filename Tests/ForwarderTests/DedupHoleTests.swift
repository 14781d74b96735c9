import Foundation
import HookForwarder
import HookLedger
import HookMetrics
import HookRecords
import HookSinks
import HookTestSupport
import Testing

/// Issue 13 §4: the de-duplication hole. Blob B dropped record X because blob A had claimed it; A then went
/// dead (AF20051) and a sink that had not accepted A never got X. A copy is now dropped only when its
/// owner's copy is past the point of no return (every sink has it), so B delivers X.
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
            let siem = RecordingSink("siem", mode: .fail(.transient, retryAfter: nil))
            let processor = makeProcessor(ledger: ledger, fetcher: TwoBlobs(), sinks: [archive, siem], now: now)
            // A: the archive takes X and Y, the SIEM is down; A is due for a retry.
            let first = await processor.process(try leased(notices[0], in: blobs))
            guard case .retry = first else { Issue.record("A: \(first)"); return }
            // The SIEM is back; B holds X too. Before the fix, B dropped X as A's.
            siem.setMode(.accept)
            #expect(await processor.process(try leased(notices[1], in: blobs)) == .done)
            // A's retry finds its content gone (AF20051): A is dead and will never deliver anything again.
            let retry = try #require(try await ledger.lease(limit: 1, for: .seconds(60), now: now.addingTimeInterval(3_600)).first)
            #expect(try await ledger.kill(retry, reason: "AF20051: content expired"))
            let siemIds = Set(siem.batches.flatMap(\.records).compactMap(\.id))
            #expect(siemIds.contains("x"), "the SIEM never got X: \(siemIds)")
            #expect(siemIds.contains("z"))
            // The archive, which accepted A, got X once from A; B's copy reached it too (a duplicate, never a loss).
            #expect(archive.batches.flatMap(\.records).compactMap(\.id).filter { $0 == "x" }.count >= 1)
            if let closable = ledger as? SQLiteLedger { await closable.close() }
        }
    }
}
