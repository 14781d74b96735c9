import Foundation
import HookLedger
import HookManagementAPI
import HookMetrics
import HookPoller
import HookTestSupport
import Testing

/// The poller against the in-process simulator, with a real SQLite ledger in a temporary directory.
@Suite struct PollerSimTests {
    static let planner = WindowPlanner(overlap: 900, initialLookback: 86_400)

    @Test func oneCycleFindsEveryBlobAndCountsTheWebhookGaps() async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            let webhook = LedgerWebhook(ledger: ledger)
            try await withPollSim(PollSim.scenario(settings: #","neverNotifyRate":0.3,"pageSize":7,"seed":7"#)) { sim in
                try await withWebhook(webhook) { url in
                    let client = sim.client()
                    _ = try await client.start("Audit.General", webhook: WebhookInfo(address: url, authId: nil))
                    try await sim.publish(blobs: 60, notify: true)
                    let neverNotified = try await sim.counter("notificationsNeverSent")
                    #expect(neverNotified > 5 && neverNotified < 40)
                    try await webhook.waitForCommitted(60 - neverNotified)

                    let registry = MetricsRegistry()
                    let poller = Poller(targets: [.init(lister: client, contentTypes: ["Audit.General"])],
                                        runner: PollRunner(ledger: ledger, watermarks: ledger, planner: Self.planner),
                                        interval: .seconds(2), clock: JumpingClock(), registry: registry,
                                        completeness: ledger, logger: quietLogger)
                    let outcomes = try await poller.runCycle()
                    let report = try #require(try outcomes.first?.result.get())
                    #expect(report.pages == 9)
                    #expect(report.newBlobs == neverNotified)
                    #expect(report.knownBlobs == 60 - neverNotified)

                    let summary = try await ledger.summary(now: Date())
                    #expect(summary.total(.queued) == 60)
                    let counts = try #require(try await ledger.completeness().first)
                    #expect(counts.onlyListed == neverNotified)
                    #expect(counts.listed == 60)
                    #expect(counts.notified == 60 - neverNotified)
                    #expect(counts.onlyNotified == 0)
                    let text = registry.render()
                    #expect(text.contains("activityhook_blobs_only_polled{content_type=\"Audit.General\",tenant=\"\(tenantA)\"} \(neverNotified)"))
                    #expect(try await ledger.watermark(tenantId: tenantA, contentType: "Audit.General") != nil)
                }
            }
            await ledger.close()
        }
    }

    @Test func aFailedListingLeavesTheWatermark() async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            try await withPollSim(PollSim.scenario(settings: #","pageSize":5"#)) { sim in
                let client = sim.client()
                _ = try await client.start("Audit.General", webhook: nil)
                let runner = PollRunner(ledger: ledger, watermarks: ledger, planner: Self.planner)
                // Made available a minute ago: the poll's "now" is Microsoft's clock as read from whole-second
                // Date headers, which on a loaded machine can lag the simulator's by 2 s or more (the response sat
                // in a queue), and a blob from "this instant" would then fall after the first window (found by CI).
                try await sim.publish(blobs: 12, ageSeconds: 60)
                let firstPoll = try await runner.poll(client, contentType: "Audit.General", localNow: Date())
                #expect(firstPoll.newBlobs == 12)
                let first = try #require(try await ledger.watermark(tenantId: tenantA, contentType: "Audit.General"))

                // Page 2 of the next listing keeps failing: the poll fails as a whole, the watermark stays.
                try await sim.publish(blobs: 12)
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"content","kind":"af50000"}]}"#)
                await #expect(throws: ManagementAPIError.self) {
                    try await runner.poll(client, contentType: "Audit.General", localNow: Date().addingTimeInterval(5))
                }
                #expect(try await ledger.watermark(tenantId: tenantA, contentType: "Audit.General") == first)

                // Once listing works again the next poll covers the gap and moves on.
                try await sim.control("DELETE", "faults")
                let report = try await runner.poll(client, contentType: "Audit.General", localNow: Date().addingTimeInterval(5))
                #expect(report.newBlobs == 12)
                #expect(report.knownBlobs == 12)
                let second = try #require(try await ledger.watermark(tenantId: tenantA, contentType: "Audit.General"))
                #expect(second > first)
                #expect(try await ledger.summary(now: Date()).total(.queued) == 24)
            }
            await ledger.close()
        }
    }

    @Test func twentyMinutesOfClockSkewSkipsNoWindow() async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            try await withPollSim(PollSim.scenario(settings: #","pageSize":50"#)) { sim in
                // Microsoft's clock is 20 minutes ahead of ours, and its Date header says so.
                try await sim.control("POST", "clock", #"{"advanceSeconds":1200}"#)
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"*","kind":"dateSkew","skewSeconds":0}]}"#)
                _ = try await sim.client().start("Audit.General", webhook: nil)
                try await sim.publish(blobs: 3)
                // A fresh client has not measured the skew when the first window is planned: it ends at our
                // "now", 20 minutes before the blobs. The poll must still list them, not step past them.
                let client = sim.client()
                #expect(client.skew.seconds == 0)
                let runner = PollRunner(ledger: ledger, watermarks: ledger, planner: Self.planner)
                // (Two seconds on: the Date header's one-second resolution may underestimate the skew by one.)
                let first = try await runner.poll(client, contentType: "Audit.General", localNow: Date().addingTimeInterval(2))
                #expect(abs(client.skew.seconds - 1200) < 10)
                #expect(first.newBlobs == 3)
                let watermark = try #require(try await ledger.watermark(tenantId: tenantA, contentType: "Audit.General"))
                #expect(watermark > Date().addingTimeInterval(1100), "the watermark is in the server's time")
                #expect(watermark <= Date().addingTimeInterval(1204))

                // Later polls keep up with the server's clock.
                // Published a minute old (inside the window's overlap): a skew sample taken from a response that
                // sat in a busy machine's queue may underestimate the server's clock by a second or two.
                try await sim.publish(blobs: 4, ageSeconds: 60)
                let second = try await runner.poll(client, contentType: "Audit.General", localNow: Date().addingTimeInterval(2))
                #expect(second.newBlobs == 4)
                #expect(try await ledger.summary(now: Date()).total(.queued) == 7)
            }
            await ledger.close()
        }
    }
}
