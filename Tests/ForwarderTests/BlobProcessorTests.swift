import Foundation
import HookConfig
import HookForwarder
import HookLedger
import HookMetrics
import HookRecords
import HookSpool
import HookTestSupport
import Testing

/// One blob at a time through the processor, against the in-process simulator and a SQLite ledger.
@Suite struct BlobProcessorTests {
    func withLedger(_ body: @Sendable (SQLiteLedger) async throws -> Void) async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            try await body(ledger)
            await ledger.close()
        }
    }

    @Test func eachRecordReachesEveryMatchingSinkOnceByteIdentical() async throws {
        try await self.withLedger { ledger in
            try await withFwdSim { sim in
                // 2,500 records in three windows, a mix of workloads and alert record types.
                let records = (0..<2_500).map { index in
                    auditRecord(newId(), type: index % 10 == 0 ? 28 : 1, workload: index % 3 == 0 ? "SharePoint" : "Exchange")
                }
                let notices = try await sim.publish([records])
                let all = RecordingSink("all")
                let sharePoint = RecordingSink("sharepoint", filter: SinkFilter(workloads: ["sharepoint"]))
                let alerts = RecordingSink("alerts", filter: SinkFilter(recordTypes: [28, 40]))
                let nothing = RecordingSink("dlp-only", filter: SinkFilter(contentTypes: [.dlpAll]))
                let registry = MetricsRegistry()
                let processor = try await makeProcessor(ledger: ledger, fetcher: sim.fetcher(), sinks: [all, sharePoint, alerts, nothing],
                                              registry: registry)
                let blob = try #require(try await recordAndLease(ledger, notices).first)
                #expect(await processor.process(blob) == .done)
                #expect(try await ledger.state(tenantId: tenantA, contentId: blob.notice.contentId) == .done)

                let raw = try await sim.rawBlob(notices[0])
                let served = try RecordSplitter.split(raw)
                #expect(served.count == 2_500)
                #expect(all.records == served.map(\.bytes))
                // Each record is the exact byte range of the served body, never a re-encoding.
                for batch in all.batches {
                    for record in batch.records {
                        #expect(Array(raw[record.offset..<record.offset + record.bytes.count]) == record.bytes)
                    }
                }
                // Windows of at most 1,000 records: the blob is never held whole; each window is one append.
                #expect(processor.spool.end == 2_500)
                #expect(all.batches.allSatisfy { $0.source.blobId == blob.id && $0.source.contentId == blob.notice.contentId })
                #expect(sharePoint.records == served.filter { $0.workload == "SharePoint" }.map(\.bytes))
                #expect(alerts.records == served.filter { $0.recordType == 28 }.map(\.bytes))
                #expect(alerts.records.count == 250)
                #expect(nothing.calls == 0)
                // A sink with no matching record still accepted the blob.
                #expect(try await ledger.acceptedSinks(blobId: blob.id) == ["all", "sharepoint", "alerts", "dlp-only"])
                let metrics = registry.render()
                #expect(metrics.contains(#"activityhook_blobs_spooled_total{content_type="Audit.General",tenant="\#(tenantA)"} 1"#))
                #expect(metrics.contains(#"activityhook_fetch_lag_seconds_count{content_type="Audit.General",tenant="\#(tenantA)"} 1"#))
                #expect(metrics.contains(#"activityhook_blobs_fetched_total{content_type="Audit.General",tenant="\#(tenantA)"} 1"#))
                #expect(metrics.contains(#"activityhook_blob_bytes_fetched_total{content_type="Audit.General",tenant="\#(tenantA)"} \#(raw.count)"#))
            }
        }
    }

    @Test func aRecordRepeatedInALaterWindowOfTheSameBlobIsSentOnce() async throws {
        try await self.withLedger { ledger in
            try await withFwdSim { sim in
                // Windows of 2 records: the repeat of `twice` lands in the third window, after its claim committed.
                let twice = auditRecord(newId())
                let notices = try await sim.publish([[twice, auditRecord(newId()), auditRecord(newId()), auditRecord(newId()), twice]])
                let sink = RecordingSink("all")
                let registry = MetricsRegistry()
                let processor = try await makeProcessor(ledger: ledger, fetcher: sim.fetcher(), sinks: [sink], registry: registry,
                                              policy: ForwardingPolicy(windowRecords: 2))
                let blob = try #require(try await recordAndLease(ledger, notices).first)
                #expect(await processor.process(blob) == .done)
                #expect(sink.records.count == 4)
                #expect(Set(sink.batches.flatMap(\.records).compactMap(\.id)).count == 4)
            }
        }
    }

    @Test func duplicatesAcrossBlobsAreSuppressedAndCounted() async throws {
        try await self.withLedger { ledger in
            try await withFwdSim { sim in
                let shared = [auditRecord(newId()), auditRecord(newId(), type: 28)]
                let first = shared + [auditRecord(newId()), auditRecord(nil)]
                let second = [shared[1], auditRecord(newId()), shared[0], auditRecord(nil)]
                let notices = try await sim.publish([first, second])
                let sink = RecordingSink("all")
                let registry = MetricsRegistry()
                let processor = try await makeProcessor(ledger: ledger, fetcher: sim.fetcher(), sinks: [sink], registry: registry)
                let blobs = try await recordAndLease(ledger, notices)
                #expect(await processor.process(try leased(notices[0], in: blobs)) == .done)
                #expect(await processor.process(try leased(notices[1], in: blobs)) == .done)
                // 4 + 4 records, 2 suppressed; the records without an Id are never suppressed.
                #expect(sink.records.count == 6)
                let ids = sink.batches.flatMap(\.records).compactMap(\.id)
                #expect(ids.count == 4)
                #expect(Set(ids).count == 4)
                #expect(registry.render().contains(#"activityhook_records_duplicate_total{content_type="Audit.General",tenant="\#(tenantA)"} 2"#))
            }
        }
    }

    @Test func simulatedDuplicatesAreDeliveredOnceEvenWhenBlobsRunConcurrently() async throws {
        try await self.withLedger { ledger in
            try await withFwdSim(FwdSim.scenario(#","seed":11"#)) { sim in
                try await sim.control("POST", "configure", #"{"settings":{"duplicateRecordRate":0.15}}"#)
                let answer = try await sim.control("POST", "publish",
                                                   #"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":12,"recordsPerBlob":150,"notify":false}"#)
                let published = try #require(answer["published"] as? [[String: Any]])
                let notices = try published.map { item in
                    BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: try #require(item["contentId"] as? String),
                               contentUri: try #require(item["contentUri"] as? String), contentCreated: Date(),
                               contentExpiration: Date().addingTimeInterval(86_400))
                }
                var served: [SplitRecord] = []
                for notice in notices { served += try RecordSplitter.split(try await sim.rawBlob(notice)) }
                let uniqueIds = Set(served.compactMap(\.id))
                #expect(served.count - uniqueIds.count > 100, "the simulator should repeat about 15% of the records")

                let file = RecordingSink("file")
                let hec = RecordingSink("hec")
                let registry = MetricsRegistry()
                let processor = try await makeProcessor(ledger: ledger, fetcher: sim.fetcher(), sinks: [file, hec], registry: registry)
                let blobs = try await recordAndLease(ledger, notices)
                let outcomes = await withTaskGroup(of: BlobOutcome.self) { group in
                    for blob in blobs { group.addTask { await processor.process(blob) } }
                    return await group.reduce(into: []) { $0.append($1) }
                }
                #expect(outcomes == Array(repeating: .done, count: 12))
                for sink in [file, hec] {
                    let ids = sink.batches.flatMap(\.records).compactMap(\.id)
                    #expect(ids.count == uniqueIds.count)
                    #expect(Set(ids) == uniqueIds)
                }
                let suppressed = served.count - uniqueIds.count
                #expect(registry.render().contains(
                    #"activityhook_records_duplicate_total{content_type="Audit.General",tenant="\#(tenantA)"} \#(suppressed)"#))
            }
        }
    }

    @Test func aRetryAfterACrashSkipsTheRecordsAlreadySpooledAndSpoolsTheRest() async throws {
        try await self.withLedger { ledger in
            try await withFwdSim { sim in
                let notices = try await sim.publish([(0..<5).map { _ in auditRecord(newId()) }])
                let start = Date()
                let served = try RecordSplitter.split(try await sim.rawBlob(notices[0]))
                let file = RecordingSink("file")
                let processor = try await makeProcessor(ledger: ledger, fetcher: sim.fetcher(), sinks: [file],
                                                        policy: ForwardingPolicy(windowRecords: 2), now: start)
                // The crashed attempt: its first window (2 records) reached the spool and the ledger recorded it,
                // then the process died.
                let crashed = try #require(try await recordAndLease(ledger, notices, now: start).first)
                _ = try await ledger.claimRecords(served.prefix(2).compactMap(\.id), blobId: crashed.id, now: start)
                let range = try await processor.spool.append(served.prefix(2).map {
                    SpoolRecord(origin: BlobSource(blobId: crashed.id, tenantId: tenantA, contentType: "Audit.General",
                                                   contentId: crashed.notice.contentId), record: $0)
                })
                #expect(try await ledger.recordSpoolProgress(crashed, offset: served[1].offset + 1, lastSequence: range.last))

                // After restart the lease has expired and the blob comes back: only the other 3 are spooled.
                let later = start.addingTimeInterval(301)
                let retry = try #require(try await ledger.lease(limit: 1, for: .seconds(300), now: later).first)
                #expect(retry.attempt == 2)
                #expect(retry.spoolOffset == served[1].offset + 1)
                #expect(await processor.process(retry) == .done)
                #expect(processor.spool.end == 5)
                #expect(file.records == served.map(\.bytes))
                #expect(try await ledger.state(tenantId: tenantA, contentId: notices[0].contentId) == .done)
            }
        }
    }

    @Test func aFailingSinkHoldsOnlyItsOwnBacklogAndCatchesUpWithoutAnotherDownload() async throws {
        try await self.withLedger { ledger in
            try await withFwdSim { sim in
                let notices = try await sim.publish([[auditRecord(newId()), auditRecord(newId())], [auditRecord(newId())]])
                let file = RecordingSink("file")
                let hec = RecordingSink("hec", mode: .fail(.transient, retryAfter: .seconds(30)))
                let start = Date()
                let fetcher = CountingFetcher(sim.fetcher())
                let processor = try await makeProcessor(ledger: ledger, fetcher: fetcher, sinks: [file, hec], now: start)
                for blob in try await recordAndLease(ledger, notices, now: start) {
                    #expect(await processor.process(blob) == .done)
                }
                #expect(file.records.count == 3)
                #expect(hec.records.isEmpty)
                #expect(try await ledger.sinkBacklog(sinks: ["file", "hec"]) == ["file": 0, "hec": 2])
                #expect(try await ledger.summary(now: start).total(.spooled) == 2)

                // The HEC sink recovers: it gets the records from the spool; nothing is fetched again.
                hec.setMode(.accept)
                await processor.drain()
                #expect(file.records.count == 3)
                #expect(hec.records.count == 3)
                #expect(fetcher.opens == 2)
                #expect(try await ledger.sinkBacklog(sinks: ["file", "hec"]) == ["file": 0, "hec": 0])
                #expect(try await ledger.summary(now: start).total(.done) == 2)
            }
        }
    }

    @Test func anExpiredBlobIsSkippedCountedAndNeverFetched() async throws {
        let ledger = InMemoryLedger()
        let now = Date()
        let notice = BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: "gone",
                                contentUri: "http://127.0.0.1:9/api/v1.0/\(tenantA)/activity/feed/audit/gone",
                                contentCreated: now.addingTimeInterval(-8 * 86_400), contentExpiration: now.addingTimeInterval(-3_600))
        let fetcher = CountingFetcher(ManagementAPIBlobFetcher(clients: [:]))
        let registry = MetricsRegistry()
        let sink = RecordingSink("all")
        let processor = try await makeProcessor(ledger: ledger, fetcher: fetcher, sinks: [sink], registry: registry, now: now)
        let blob = try #require(try await recordAndLease(ledger, [notice], now: now).first)
        #expect(await processor.process(blob) == .expired)
        #expect(try await ledger.state(tenantId: tenantA, contentId: "gone") == .expired)
        #expect(fetcher.opens == 0)
        #expect(sink.calls == 0)
        #expect(registry.render().contains(#"activityhook_blobs_expired_total{content_type="Audit.General",tenant="\#(tenantA)"} 1"#))
    }

    @Test func contentTheAPIWillNeverServeIsDeadWithItsReason() async throws {
        try await self.withLedger { ledger in
            try await withFwdSim { sim in
                let notices = try await sim.publish([[auditRecord(newId())]])
                // AF20050: an id the API does not know.
                let missing = BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: "20261128000000000000001$nope",
                                         contentUri: "\(sim.url)/api/v1.0/\(tenantA)/activity/feed/audit/20261128000000000000001$nope",
                                         contentCreated: Date(), contentExpiration: Date().addingTimeInterval(7 * 86_400))
                // AF20051: the simulator's clock is 8 days on, while ours still thinks the content is fresh.
                var stale = notices[0]
                stale.contentExpiration = Date().addingTimeInterval(7 * 86_400)
                try await sim.control("POST", "clock", #"{"advanceSeconds":\#(8 * 86_400)}"#)
                let registry = MetricsRegistry()
                let sink = RecordingSink("all")
                let processor = try await makeProcessor(ledger: ledger, fetcher: sim.fetcher(), sinks: [sink], registry: registry)
                let blobs = try await recordAndLease(ledger, [missing, stale])
                let missingOutcome = await processor.process(try leased(missing, in: blobs))
                let staleOutcome = await processor.process(try leased(stale, in: blobs))
                guard case .dead(let missingReason) = missingOutcome, case .dead(let staleReason) = staleOutcome else {
                    Issue.record("expected both dead: \(missingOutcome), \(staleOutcome)")
                    return
                }
                #expect(missingReason.contains("AF20050"))
                #expect(staleReason.contains("AF20051"))
                #expect(try await ledger.failureReason(tenantId: tenantA, contentId: stale.contentId)?.contains("AF20051") == true)
                #expect(try await ledger.state(tenantId: tenantA, contentId: missing.contentId) == .dead)
                #expect(sink.calls == 0)
                #expect(registry.render().contains(#"activityhook_blobs_dead_total{content_type="Audit.General",tenant="\#(tenantA)"} 2"#))
            }
        }
    }

    @Test func transientFetchErrorsRetryAndInvalidJSONThreeTimesIsDead() async throws {
        try await self.withLedger { ledger in
            try await withFwdSim { sim in
                let notices = try await sim.publish([[auditRecord(newId()), auditRecord(newId())]])
                let sink = RecordingSink("all")
                let registry = MetricsRegistry()
                var now = Date()
                var blob = try #require(try await recordAndLease(ledger, notices, now: now).first)

                // 5xx on every try (the client's own retries included): a retry, not a parse failure.
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"blob","kind":"5xx"}]}"#)
                var outcome = await (try await makeProcessor(ledger: ledger, fetcher: sim.fetcher(), sinks: [sink], registry: registry, now: now)).process(blob)
                guard case .retry(_, let fetchReason) = outcome else { Issue.record("expected a retry, got \(outcome)"); return }
                #expect(fetchReason.hasPrefix("fetch:"))

                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"blob","kind":"invalidJson"}]}"#)
                for attempt in 1...3 {
                    now = now.addingTimeInterval(3_600)
                    blob = try #require(try await ledger.lease(limit: 1, for: .seconds(300), now: now).first)
                    outcome = await (try await makeProcessor(ledger: ledger, fetcher: sim.fetcher(), sinks: [sink], registry: registry, now: now)).process(blob)
                    if attempt < 3 {
                        guard case .retry(_, let reason) = outcome else { Issue.record("attempt \(attempt): \(outcome)"); return }
                        #expect(reason.hasPrefix("parse:"))
                    }
                }
                guard case .dead(let reason) = outcome else { Issue.record("expected dead, got \(outcome)"); return }
                #expect(reason.contains("unparseable after 3 attempts"))
                #expect(try await ledger.state(tenantId: tenantA, contentId: notices[0].contentId) == .dead)
                #expect(sink.calls == 0)
                let metrics = registry.render()
                #expect(metrics.contains(#"activityhook_blob_failures_total{content_type="Audit.General",reason="parse",tenant="\#(tenantA)"} 2"#))
                #expect(metrics.contains(#"activityhook_blob_failures_total{content_type="Audit.General",reason="fetch",tenant="\#(tenantA)"} 1"#))

                // Once the API serves it again, a replayed dead blob is forwarded.
                try await sim.control("DELETE", "faults")
                #expect(try await ledger.replayDead(now: now) == 1)
                blob = try #require(try await ledger.lease(limit: 1, for: .seconds(300), now: now).first)
                #expect(await (try await makeProcessor(ledger: ledger, fetcher: sim.fetcher(), sinks: [sink], now: now)).process(blob) == .done)
                #expect(sink.records.count == 2)
            }
        }
    }

    @Test func aBlobGetRefusedWithANonRetryable4xxIsDeadAfterAFewAttempts() async throws {
        try await self.withLedger { ledger in
            try await withFwdSim { sim in
                let notices = try await sim.publish([[auditRecord(newId())]])
                let sink = RecordingSink("all")
                let registry = MetricsRegistry()
                var now = Date()
                var blob = try #require(try await recordAndLease(ledger, notices, now: now).first)
                // 400 with no envelope: a request the API will never accept, however often it is retried.
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"blob","kind":"5xx","status":400}]}"#)
                let attempts = ForwardingPolicy().maxClientErrorAttempts
                var outcome = BlobOutcome.done
                for attempt in 1...attempts {
                    outcome = await (try await makeProcessor(ledger: ledger, fetcher: sim.fetcher(), sinks: [sink], registry: registry, now: now)).process(blob)
                    guard attempt < attempts else { break }
                    guard case .retry(_, let reason) = outcome else { Issue.record("attempt \(attempt): \(outcome)"); return }
                    #expect(reason.hasPrefix("fetch:"))
                    now = now.addingTimeInterval(3_600)
                    blob = try #require(try await ledger.lease(limit: 1, for: .seconds(300), now: now).first)
                }
                guard case .dead(let reason) = outcome else { Issue.record("expected dead, got \(outcome)"); return }
                #expect(reason.contains("refused \(attempts) times"))
                #expect(try await ledger.state(tenantId: tenantA, contentId: notices[0].contentId) == .dead)
                #expect(sink.calls == 0)
            }
        }
    }
}
