import Foundation
import HookForwarder
import HookLedger
import HookMetrics
import HookRecords
import HookTestSupport
import Testing

/// Issue 13 §1: when the spool reaches `spool.maxBytes`, fetching pauses (blobs wait in the ledger) and
/// resumes once the sinks catch up; no record is dropped to make room.
@Suite struct SpoolFullTests {
    @Test(.timeLimit(.minutes(2)))
    func aFullSpoolPausesFetchingThenResumesWithNothingLost() async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            try await withFwdSim { sim in
                let notices = try await sim.publish((0..<12).map { _ in (0..<20).map { _ in auditRecord(newId()) } })
                let sink = RecordingSink("siem", mode: .fail(.transient, retryAfter: nil))
                let fetcher = sim.fetcher()
                // About 15 KB a blob: the spool is full after a couple of blobs.
                let stages = try await Stages.make(ledger: ledger, sinks: [sink], maxBytes: 24_000, segmentBytes: 4_096) { spool in
                    let processor = BlobProcessor(ledger: ledger, fetcher: fetcher, spool: spool, sinks: [sink],
                                                  metrics: ForwarderMetrics(registry: MetricsRegistry()), logger: quietLogger)
                    return WorkerPool(processor: processor, settings: .init(concurrency: 1, idleWait: .milliseconds(50)), signal: ledger.newWork)
                }
                var pauses = stages.pool.pauseEvents.makeAsyncIterator()
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await stages.run() }
                    _ = try await ledger.record(notices, source: .poll, at: Date())
                    #expect(await pauses.next() == true, "fetching never paused")
                    // Paused: the rest of the blobs wait, queued in the ledger, and nothing was dropped.
                    let summary = try await ledger.summary(now: Date())
                    #expect(summary.total(.queued) > 0)
                    #expect(stages.pool.fetchPaused)
                    sink.setMode(.accept)
                    #expect(await pauses.next() == false, "fetching never resumed")
                    try await waitForOutcomes(stages.pool, notices.count)
                    await stages.waitDelivered()
                    stages.beginShutdown()
                    try await group.waitForAll()
                }
                var served: [[UInt8]] = []
                for notice in notices { served += try RecordSplitter.split(try await sim.rawBlob(notice)).map(\.bytes) }
                #expect(sink.records.count == served.count)
                #expect(Set(sink.records) == Set(served))
                #expect(try await ledger.summary(now: Date()).total(.done) == notices.count)
            }
            await ledger.close()
        }
    }
}
