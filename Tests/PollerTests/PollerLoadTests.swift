import Foundation
import HookConfig
import HookHTTPClient
import HookLedger
import HookManagementAPI
import HookMetrics
import HookPoller
import HookTestSupport
import Synchronization
import Testing

/// Issue 7's load check: 50 tenants × 5 content types polled for an hour of simulated time. Every listed
/// blob reaches the ledger, the simulator's throttle never fires (each tenant's `RequestBudget` keeps us
/// under Microsoft's budget), and the polls are spread over the interval instead of bunched together.
@Suite struct PollerLoadTests {
    static let contentTypes = ["Audit.General", "Audit.Exchange", "Audit.SharePoint", "Audit.AzureActiveDirectory", "DLP.All"]
    static let tenants = (1...50).map { String(format: "aaaaaaaa-0000-4000-8000-%012d", $0) }
    static let app = "bbbbbbbb-0000-4000-8000-000000000001"

    /// The simulator allows 3 requests per tenant per 100 ms of real time; our budget allows 2, so a burst
    /// (the five `/start` calls of a tenant, or a key's pages right after another key of the same tenant) must wait.
    static func scenario() -> String {
        let tenants = Self.tenants.map { #"{"id":"\#($0)","apps":[{"clientId":"\#(Self.app)","secret":"\#(secretA)"}]}"# }
        return """
            {"settings":{"startThrottleSeconds":0,"requireHTTPSWebhook":false,"pageSize":1,
                         "tenantBudgetPerMinute":3,"throttleWindowSeconds":0.1},
             "tenants":[\(tenants.joined(separator: ","))]}
            """
    }

    @Test(.timeLimit(.minutes(3)))
    func fiftyTenantsTimesFiveTypesForAnHourStayWithinTheBudgetAndSpreadTheirPolls() async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            try await withPollSim(Self.scenario()) { sim in
                let budgets = Self.tenants.map { _ in RequestBudget(perMinute: 2, window: .milliseconds(100)) }
                let clients = zip(Self.tenants, budgets).map { tenant, budget in sim.client(tenant: tenant, app: Self.app, budget: budget) }
                for client in clients {
                    for type in Self.contentTypes { _ = try await client.start(type, webhook: nil) }
                }
                let clock = SimFollowingClock(sim: sim)
                let interval = 900.0  // 15 minutes: four cycles are one simulated hour
                let poller = Poller(targets: clients.map { .init(lister: $0, contentTypes: Self.contentTypes) },
                                    runner: PollRunner(ledger: ledger, watermarks: ledger, planner: WindowPlanner()),
                                    interval: .seconds(interval), clock: clock, registry: MetricsRegistry(), completeness: ledger,
                                    logger: quietLogger)
                var published = 0
                var cycleStarts: [Date] = []
                for cycle in 0..<4 {
                    // A new one-record blob per tenant × type per cycle; with one entry per page and the overlap
                    // listing earlier ones again, a key takes several requests in a row.
                    for tenant in Self.tenants {
                        for type in Self.contentTypes {
                            try await sim.control("POST", "publish",
                                                  #"{"tenant":"\#(tenant)","contentType":"\#(type)","blobs":1,"recordsPerBlob":1,"notify":false}"#)
                            published += 1
                        }
                    }
                    cycleStarts.append(clock.now())
                    let outcomes = try await poller.runCycle()
                    let failures = outcomes.filter { if case .failure = $0.result { true } else { false } }
                    #expect(failures.isEmpty, "cycle \(cycle): \(failures.count) polls failed, first: \(String(describing: failures.first?.result))")
                }

                // Nothing was refused by Microsoft's budget, yet our budget had to hold requests back.
                #expect(try await sim.counter("throttled") == 0)
                var waits = 0
                for budget in budgets { waits += await budget.waits }
                #expect(waits > 0, "the load never reached the budget, so the test proves nothing")
                #expect(try await ledger.summary(now: Date()).total(.queued) == published)

                // Spread: within each cycle, the 250 polls start at distinct offsets covering the interval,
                // and no minute holds more than three times the average share.
                for start in cycleStarts {
                    let offsets = clock.pollStarts.map { $0.timeIntervalSince(start) }.filter { $0 >= 0 && $0 < interval }
                    #expect(offsets.count == 250)
                    #expect(Set(offsets.map { ($0 * 1000).rounded() }).count >= 245)
                    #expect((offsets.min() ?? interval) < interval * 0.05 && (offsets.max() ?? 0) > interval * 0.95)
                    let perMinute = Dictionary(grouping: offsets) { Int($0 / 60) }.values.map(\.count)
                    #expect((perMinute.max() ?? 0) <= 3 * 250 / 15, "polls bunch up: \(perMinute.sorted())")
                }
            }
            await ledger.close()
        }
    }
}

/// A poll clock that jumps instead of sleeping and moves the simulator's clock by the same amount, so
/// the listing windows and the simulator's content times stay in step through a simulated hour.
final class SimFollowingClock: PollClock {
    private let sim: PollSim
    private let state: Mutex<(offset: TimeInterval, starts: [Date])> = Mutex((0, []))

    init(sim: PollSim) { self.sim = sim }

    func now() -> Date { Date().addingTimeInterval(self.state.withLock { $0.offset }) }

    func sleep(until deadline: Date) async throws {
        try Task.checkCancellation()
        let jump = max(0, deadline.timeIntervalSince(self.now()))
        self.state.withLock { state in
            state.offset += jump
            state.starts.append(deadline)
        }
        if jump > 0 { try await self.sim.control("POST", "clock", #"{"advanceSeconds":\#(jump)}"#) }
    }

    /// Every deadline slept to: the start of each poll, and the end of each cycle.
    var pollStarts: [Date] { self.state.withLock { $0.starts } }
}
