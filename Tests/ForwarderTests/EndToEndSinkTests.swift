import Foundation
import HookConfig
import HookForwarder
import HookLedger
import HookMetrics
import HookSinks
import HookTestSupport
import SinkFakes
import Testing

/// Issue 6, "how it will be checked": the worker pool with the real file, Splunk HEC and Logs Ingestion sinks
/// against the simulator. Every record must reach every sink exactly once, byte for byte.
@Suite struct EndToEndSinkTests {
    /// Every sink holds exactly the expected records, once each, byte-identical.
    static func expectExactlyOnce(_ env: EndToEnd, _ expected: [String: [UInt8]]) async throws {
        let wanted = Set(expected.values)
        let file = try env.fileLines()
        let hec = env.hec.events.map(\.event)
        let sentinel = try await env.ingestedRecords()
        for (name, got) in [("archive", file), ("splunk", hec), ("sentinel", sentinel)] {
            #expect(got.count == expected.count, "\(name): \(got.count) records, expected \(expected.count)")
            #expect(Set(got).count == got.count, "\(name) received a record twice")
            #expect(Set(got) == wanted, "\(name) holds records that differ from what the simulator served")
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func tenThousandRecordsWithFifteenPercentDuplicatesReachEverySinkExactlyOnce() async throws {
        try await withTemporaryDirectory { directory in
            try await EndToEnd.run(in: directory, settings: #","duplicateRecordRate":0.15"#) { env in
                let ledger = try await SQLiteLedger.open(path: env.statePath)
                let notices = try await env.publish(blobs: 20, records: 500)
                let (expected, total) = try await env.expected(notices)
                #expect(total == 10_000)
                #expect(expected.count < 9_000 && expected.count > 8_000, "about 15% duplicates: \(expected.count) distinct")
                let registry = MetricsRegistry()
                let (stages, sinks) = try await env.stages(ledger: ledger, registry: registry)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await stages.run() }
                    _ = try await ledger.record(notices, source: .poll, at: Date())
                    try await waitForOutcomes(stages.pool, notices.count)
                    await stages.waitDelivered()
                    stages.beginShutdown()
                    try await group.waitForAll()
                }
                for sink in sinks { await sink.shutdown() }
                try await Self.expectExactlyOnce(env, expected)
                #expect(EndToEnd.counter("activityhook_records_duplicate_total", in: registry) == Double(total - expected.count))
                #expect(try await ledger.summary(now: Date()).total(.done) == notices.count)
                #expect(try await ledger.sinkBacklog(sinks: EndToEnd.sinkNames).values.allSatisfy { $0 == 0 })
                await ledger.close()
            }
        }
    }

    @Test(.timeLimit(.minutes(5)))
    func aOneRecordBlobAndAHundredThousandRecordBlob() async throws {
        try await withTemporaryDirectory { directory in
            try await EndToEnd.run(in: directory) { env in
                let ledger = try await SQLiteLedger.open(path: env.statePath)
                _ = try await env.publish(blobs: 1, records: 1)
                let notices = try await env.publish(blobs: 1, records: 100_000)
                #expect(notices.count == 2)
                let (expected, total) = try await env.expected(notices)
                #expect(total == 100_001 && expected.count == 100_001)
                let (stages, sinks) = try await env.stages(ledger: ledger, registry: MetricsRegistry())
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await stages.run() }
                    _ = try await ledger.record(notices, source: .poll, at: Date())
                    try await waitForOutcomes(stages.pool, 2, within: 240)
                    await stages.waitDelivered()
                    stages.beginShutdown()
                    try await group.waitForAll()
                }
                for sink in sinks { await sink.shutdown() }
                try await Self.expectExactlyOnce(env, expected)
                await ledger.close()
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func tooLargeAnswersSplitAndThrottlingWaitsForRetryAfter() async throws {
        try await withTemporaryDirectory { directory in
            // 150 KB per Logs Ingestion call: the sink's 1 MB requests get 413 and are halved until they fit.
            // The first two calls are throttled (429, Retry-After: 1): delivery waits, then goes through.
            try await EndToEnd.run(in: directory, settings: #","ingestMaxBytes":150000"#) { env in
                try await env.sim.control("POST", "faults", #"{"faults":[{"endpoint":"ingest","kind":"throttle","retryAfterSeconds":1,"count":2}]}"#)
                let ledger = try await SQLiteLedger.open(path: env.statePath)
                let notices = try await env.publish(blobs: 4, records: 1_000)
                let (expected, _) = try await env.expected(notices)
                let registry = MetricsRegistry()
                let (stages, sinks) = try await env.stages(ledger: ledger, registry: registry)
                let started = ContinuousClock.now
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await stages.run() }
                    _ = try await ledger.record(notices, source: .poll, at: Date())
                    try await waitForOutcomes(stages.pool, notices.count)
                    await stages.waitDelivered()
                    stages.beginShutdown()
                    try await group.waitForAll()
                }
                for sink in sinks { await sink.shutdown() }
                try await Self.expectExactlyOnce(env, expected)
                #expect(ContinuousClock.now - started >= .seconds(1), "the Retry-After of the throttle was not honoured")
                let calls = try #require(try await env.sim.control("GET", "counters")["ingestCalls"] as? Int)
                #expect(calls > 4, "records of about 2.5 MB in requests of at most 150 KB: \(calls) calls")
                #expect(EndToEnd.counter("activityhook_sink_retries_total", in: registry) >= 2)
                await ledger.close()
            }
        }
    }

    @Test(.timeLimit(.minutes(3)))
    func aSinkThatIsDownHoldsOnlyItsOwnBacklogAndCatchesUpWithoutASecondDownload() async throws {
        try await withTemporaryDirectory { directory in
            try await EndToEnd.run(in: directory) { env in
                let ledger = try await SQLiteLedger.open(path: env.statePath)
                let notices = try await env.publish(blobs: 10, records: 200)
                let (expected, _) = try await env.expected(notices)
                let servedBefore = try #require(try await env.sim.control("GET", "counters")["blobsServed"] as? Int)
                let (stages, sinks) = try await env.stages(ledger: ledger, registry: MetricsRegistry())
                env.hec.setDown(true)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await stages.run() }
                    _ = try await ledger.record(notices, source: .poll, at: Date())
                    // Every blob is fetched once and spooled; the file and Sentinel have it all while Splunk is down.
                    try await waitForOutcomes(stages.pool, notices.count)
                    await stages.waitDelivered(["archive", "sentinel"])
                    let backlog = try await ledger.sinkBacklog(sinks: EndToEnd.sinkNames)
                    #expect(backlog == ["archive": 0, "sentinel": 0, "splunk": notices.count])
                    #expect(try env.fileLines().count == expected.count)
                    #expect(try await env.ingestedRecords().count == expected.count)
                    #expect(env.hec.events.isEmpty)
                    #expect(try await ledger.summary(now: Date()).total(.spooled) == notices.count)

                    env.hec.setDown(false)
                    await stages.waitDelivered()
                    stages.beginShutdown()
                    try await group.waitForAll()
                }
                for sink in sinks { await sink.shutdown() }
                // The backlog drained into Splunk from the spool; the other sinks got nothing twice.
                try await Self.expectExactlyOnce(env, expected)
                #expect(try await ledger.sinkBacklog(sinks: EndToEnd.sinkNames).values.allSatisfy { $0 == 0 })
                #expect(try await ledger.summary(now: Date()).total(.done) == notices.count)
                // One GET per blob, whatever the sinks did.
                #expect(try await env.sim.control("GET", "counters")["blobsServed"] as? Int == servedBefore + notices.count)
                await ledger.close()
            }
        }
    }

    @Test func anExpiredBlobIsSkippedCountedAndNeverFetched() async throws {
        try await withTemporaryDirectory { directory in
            try await EndToEnd.run(in: directory) { env in
                let ledger = try await SQLiteLedger.open(path: env.statePath)
                var notices = try await env.publish(blobs: 2, records: 10)
                // The first blob's content expired (as if queued 7 days ago and never forwarded).
                notices[0].contentExpiration = Date().addingTimeInterval(-60)
                let registry = MetricsRegistry()
                let (stages, sinks) = try await env.stages(ledger: ledger, registry: registry)
                let servedBefore = try #require(try await env.sim.control("GET", "counters")["blobsServed"] as? Int)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await stages.run() }
                    _ = try await ledger.record(notices, source: .poll, at: Date())
                    try await waitForOutcomes(stages.pool, 2) { $0 == .done || $0 == .expired }
                    await stages.waitDelivered()
                    stages.beginShutdown()
                    try await group.waitForAll()
                }
                for sink in sinks { await sink.shutdown() }
                #expect(try await ledger.state(tenantId: tenantA, contentId: notices[0].contentId) == .expired)
                #expect(try await ledger.state(tenantId: tenantA, contentId: notices[1].contentId) == .done)
                #expect(EndToEnd.counter("activityhook_blobs_expired_total", in: registry) == 1)
                #expect(try await env.sim.control("GET", "counters")["blobsServed"] as? Int == servedBefore + 1)
                #expect(try env.fileLines().count == 10)
                await ledger.close()
            }
        }
    }
}
