import Foundation
import HookConfig
import HookForwarder
import HookLedger
import HookMetrics
import HookTestSupport
import ServiceLifecycle
import Testing

/// The pool as `serve` runs it: leasing, concurrency, the work signal, pruning and graceful shutdown.
@Suite struct WorkerPoolTests {
    @Test func forwardsEveryQueuedBlobWhenSignalledAndStopsGracefully() async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            try await withFwdSim { sim in
                let notices = try await sim.publish((0..<6).map { _ in (0..<3).map { _ in auditRecord(newId()) } })
                let sink = RecordingSink("all")
                let signal = WorkSignal()
                let fetcher = sim.fetcher()
                let stages = try await Stages.make(ledger: ledger, sinks: [sink]) { spool in
                    let processor = BlobProcessor(ledger: ledger, fetcher: fetcher, spool: spool, sinks: [sink],
                                                  metrics: ForwarderMetrics(registry: MetricsRegistry()), logger: quietLogger)
                    // A long idle wait: only the signal can make the pool look at the ledger again in time.
                    return WorkerPool(processor: processor, settings: .init(concurrency: 2, idleWait: .seconds(600)), signal: signal)
                }
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await stages.run() }
                    _ = try await ledger.record(notices, source: .webhook, at: Date())
                    signal.ring()
                    try await waitForOutcomes(stages.pool, 6)
                    await stages.waitDelivered()
                    stages.beginShutdown()
                    try await group.waitForAll()
                }
                #expect(sink.records.count == 18)
                #expect(try await ledger.summary(now: Date()).total(.done) == 6)
            }
            await ledger.close()
        }
    }

    @Test func gracefulShutdownReleasesTheLeasesStillInFlight() async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            try await withFwdSim { sim in
                let notices = try await sim.publish([[auditRecord(newId())], [auditRecord(newId())]])
                _ = try await ledger.record(notices, source: .webhook, at: Date())
                // Bodies that stall after their first byte keep both blobs in flight.
                let fetcher = CountingFetcher(StallingFetcher())
                let store = try await TestSpool.make()
                let processor = BlobProcessor(ledger: ledger, fetcher: fetcher, spool: store.spool, sinks: [RecordingSink("all")],
                                              metrics: ForwarderMetrics(registry: MetricsRegistry()), logger: quietLogger)
                let pool = WorkerPool(processor: processor,
                                      settings: .init(concurrency: 4, idleWait: .seconds(600), shutdownGrace: .milliseconds(50)))
                // Through ServiceLifecycle, as `serve` runs it.
                let group = ServiceGroup(configuration: .init(services: [pool], logger: quietLogger))
                try await withThrowingTaskGroup(of: Void.self) { tasks in
                    tasks.addTask { try await group.run() }
                    try await waitFor(2, of: fetcher.opened)
                    #expect(try await ledger.summary(now: Date()).total(.leased) == 2)
                    await group.triggerGracefulShutdown()
                    try await tasks.waitForAll()
                }
                // Released without counting the attempt: the next lease is attempt 1 again.
                #expect(try await ledger.summary(now: Date()).total(.queued) == 2)
                let again = try await ledger.lease(limit: 10, for: .seconds(60), now: Date())
                #expect(again.count == 2)
                #expect(again.allSatisfy { $0.attempt == 1 })
            }
            await ledger.close()
        }
    }

    @Test func recordClaimsArePrunedByAge() async throws {
        let ledger = InMemoryLedger()
        let now = Date()
        let old = now.addingTimeInterval(-10 * 86_400)
        let young = now.addingTimeInterval(-6 * 86_400)
        let notices = ["a", "b", "c"].map { id in
            BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: id, contentUri: "http://127.0.0.1:9/\(id)",
                       contentCreated: now, contentExpiration: now.addingTimeInterval(86_400))
        }
        let blobs = try await recordAndLease(ledger, notices, now: now)
        // Records created 10 and 6 days ago: past and within the 9-day retention.
        _ = try await ledger.claimRecords([RecordClaim(id: "old-1", created: old), RecordClaim(id: "old-2", created: old)],
                                          blobId: blobs[0].id, now: now)
        _ = try await ledger.claimRecords([RecordClaim(id: "young", created: young)], blobId: blobs[1].id, now: now)
        _ = try await ledger.recordSpoolProgress(blobs[1], offset: 1)
        for blob in blobs { try await ledger.release(blob) }

        // The pool prunes before its first lease; the blobs then fail to fetch (port 9 is closed), which is
        // how the test knows the prune happened without waiting on time.
        let sink = RecordingSink("all")
        let fetcher = CountingFetcher(ManagementAPIBlobFetcher(clients: [:]))
        let store = try await TestSpool.make()
        let processor = BlobProcessor(ledger: ledger, fetcher: fetcher, spool: store.spool, sinks: [sink],
                                      metrics: ForwarderMetrics(registry: MetricsRegistry()), clock: FrozenClock(now), logger: quietLogger)
        let pool = WorkerPool(processor: processor, settings: .init(concurrency: 3, idleWait: .milliseconds(20)))
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await pool.run() }
            try await waitFor(3, of: fetcher.opened)
            pool.beginShutdown()
            try await group.waitForAll()
        }
        #expect(fetcher.opens == 3)
        #expect(try await ledger.summary(now: now).total(.retry) == 3)
        #expect(ledger.claimCount == 1)
        #expect(try await ledger.claimRecords([RecordClaim(id: "old-1", created: old), RecordClaim(id: "young", created: young)],
                                              blobId: blobs[2].id, now: now) == [false, true])
    }
}

@Suite struct ForwarderMetricsTests {
    @Test func gaugesComeFromTheLedgerSummaryAndBacklog() async throws {
        let ledger = InMemoryLedger()
        let now = Date()
        let notices = ["a", "b", "c"].map { id in
            BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: id, contentUri: "http://127.0.0.1:9/\(id)",
                       contentCreated: now, contentExpiration: now.addingTimeInterval(86_400))
        }
        let blobs = try await recordAndLease(ledger, notices, now: now)
        try await ledger.recordSinkAccepted(blobId: blobs[0].id, sink: "file", records: 1, now: now)
        #expect(try await ledger.complete(blobs[1], now: now))
        let registry = MetricsRegistry()
        let store = try await TestSpool.make()
        let processor = BlobProcessor(ledger: ledger, fetcher: ManagementAPIBlobFetcher(clients: [:]), spool: store.spool,
                                      sinks: [RecordingSink("file"), RecordingSink("hec")],
                                      metrics: ForwarderMetrics(registry: registry), clock: FrozenClock(now), logger: quietLogger)
        await WorkerPool(processor: processor, settings: .init()).refreshGauges()
        let text = registry.render()
        #expect(text.contains(#"activityhook_blobs{content_type="Audit.General",state="leased",tenant="\#(tenantA)"} 2"#), "\(text)")
        #expect(text.contains(#"activityhook_blobs{content_type="Audit.General",state="done",tenant="\#(tenantA)"} 1"#))
        #expect(text.contains(#"activityhook_sink_backlog_blobs{sink="file"} 1"#))
        #expect(text.contains(#"activityhook_sink_backlog_blobs{sink="hec"} 2"#))
    }
}
