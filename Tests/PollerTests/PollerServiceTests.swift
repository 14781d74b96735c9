import Foundation
import HookLedger
import HookManagementAPI
import HookMetrics
import HookPoller
import HookTestSupport
import Synchronization
import Testing

/// The `Poller` service's cycle, its schedule and its lifecycle hand-off, with a clock that never sleeps.
@Suite struct PollerServiceTests {
    @Test func cyclesSpreadPollsOverTheIntervalAndReportMissingSubscriptions() async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            try await withPollSim { sim in
                let client = sim.client()
                _ = try await client.start("Audit.General", webhook: nil)
                _ = try await client.start("Audit.Exchange", webhook: nil)
                try await sim.publish("Audit.General", blobs: 4, ageSeconds: 60)  // a minute old: a skew estimate off by a busy second still lists them
                let types = ["Audit.General", "Audit.Exchange", "Audit.SharePoint"]
                let clock = JumpingClock(start: Date())
                let start = clock.now()
                let resubscribed = Mutex<[String]>([])
                let poller = Poller(targets: [.init(lister: client, contentTypes: types)],
                                    runner: PollRunner(ledger: ledger, watermarks: ledger, planner: WindowPlanner()),
                                    interval: .seconds(3), clock: clock, registry: MetricsRegistry(), completeness: ledger,
                                    logger: quietLogger) { tenant, type in
                    resubscribed.withLock { $0.append("\(tenant) \(type)") }
                }
                let first = try await poller.runCycle()
                let second = try await poller.runCycle()

                // Each key sleeps to its own offset of the interval, then the cycle waits out the interval.
                let offsets = types.map { PollSchedule.fraction("\(tenantA)|\($0)") * 3 }.sorted()
                let expected = offsets.map { start.addingTimeInterval($0) } + [start.addingTimeInterval(3)]
                #expect(clock.sleeps.prefix(4).map { $0.timeIntervalSince1970 } == expected.map { $0.timeIntervalSince1970 })
                #expect(clock.sleeps.count == 8)

                // Audit.SharePoint has no subscription (AF20022): reported to the lifecycle in both cycles.
                #expect(resubscribed.withLock { $0 } == ["\(tenantA) Audit.SharePoint", "\(tenantA) Audit.SharePoint"])
                let general = try #require(first.first { $0.contentType == "Audit.General" })
                #expect(try general.result.get().newBlobs == 4)
                let again = try #require(second.first { $0.contentType == "Audit.General" })
                #expect(try again.result.get().knownBlobs == 4, "the overlap lists the blobs again; they stay single")
                #expect(try await ledger.summary(now: Date()).total(.queued) == 4)
            }
            await ledger.close()
        }
    }

    @Test func aWindowBeforeTheServersSevenDaysIsCorrectedNotSkipped() async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            try await withPollSim(PollSim.scenario(settings: #","pageSize":20"#)) { sim in
                // Microsoft is 20 minutes ahead: a first run reaching back the full 7 days, planned before the
                // skew is known, starts 10 minutes before the server's limit and gets AF20030.
                try await sim.control("POST", "clock", #"{"advanceSeconds":1200}"#)
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"*","kind":"dateSkew","skewSeconds":0}]}"#)
                _ = try await sim.client().start("Audit.General", webhook: nil)
                try await sim.control("POST", "publish", """
                    {"tenant":"\(tenantA)","contentType":"Audit.General","blobs":6,"recordsPerBlob":1,"notify":false,"ageSeconds":\(6 * 86_400 + 23 * 3600)}
                    """)
                try await sim.publish(blobs: 3)
                let client = sim.client()
                let runner = PollRunner(ledger: ledger, watermarks: ledger, planner: WindowPlanner(initialLookback: 7 * 86_400))
                let report = try await runner.poll(client, contentType: "Audit.General", localNow: Date().addingTimeInterval(2))
                #expect(report.corrections == 1)
                #expect(report.newBlobs == 9)
                #expect(try await ledger.summary(now: Date()).total(.queued) == 9)
                #expect(try await ledger.watermark(tenantId: tenantA, contentType: "Audit.General") != nil)
            }
            await ledger.close()
        }
    }
}
