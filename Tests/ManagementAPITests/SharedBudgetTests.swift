import Foundation
import HookLedger
import HookManagementAPI
import Testing

/// Two budgets on one ledger (as serve and a CLI command would hold) share the tenant's calls.
@Suite struct SharedBudgetTests {
    @Test func twoBudgetsOnOneLedgerTakeTheirCallsFromTheSameLimit() async throws {
        let ledger = InMemoryLedger()
        let tenant = "11111111-1111-1111-1111-111111111111"
        let serve = RequestBudget(perMinute: 10, store: ledger, tenantId: tenant)
        let cli = RequestBudget(perMinute: 10, store: ledger, tenantId: tenant)
        // Blocks grow with use (1, 2, 4 calls), so seven calls reserve exactly seven, and three another three.
        for _ in 0..<7 { try await serve.acquire() }
        for _ in 0..<3 { try await cli.acquire() }
        let waited = await serve.waits + cli.waits
        #expect(waited == 0)
        // The ten calls of this minute are spent, whoever asks next.
        let next = try await ledger.reserveCalls(tenantId: tenant, calls: 1, limit: 10, window: .seconds(61),
                                                 validity: .seconds(5), now: Date())
        guard case .wait = next else {
            Issue.record("the ledger granted a call past the limit: \(next)")
            return
        }
        // Another tenant's budget is its own.
        let other = RequestBudget(perMinute: 10, store: ledger, tenantId: "22222222-2222-2222-2222-222222222222")
        try await other.acquire()
        #expect(await other.waits == 0)
    }
}
