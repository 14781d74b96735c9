import Foundation
import HookSQLite

/// What a reservation from the shared request budget produced.
public enum BudgetGrant: Sendable, Equatable {
    /// `calls` (at least 1) may be made, each one before `usableUntil`.
    case granted(calls: Int, usableUntil: Date)
    /// The budget is spent; ask again at `retryAt`.
    case wait(retryAt: Date)
}

/// The per-tenant request budget of every process on one ledger (docs/request-budget.md): processes reserve
/// blocks of calls, and a block counts against the budget until `window` after its last usable instant.
public protocol RequestBudgetStore: Sendable {
    /// Reserves up to `calls` calls of `tenantId`'s `limit` per `window`, usable for `validity` from `now`.
    func reserveCalls(tenantId: String, calls: Int, limit: Int, window: Duration, validity: Duration,
                      now: Date) async throws -> BudgetGrant
}

/// The arithmetic both ledgers share, in epoch milliseconds.
enum BudgetRules {
    static func milliseconds(_ duration: Duration) -> Int64 {
        let parts = duration.components
        return parts.seconds.multipliedReportingOverflow(by: 1000).partialValue + parts.attoseconds / 1_000_000_000_000_000
    }

    /// The decision for one reservation, given the grants still on record as (usableUntil, calls).
    /// Grants ending more than `validity` after `now` are from before a backward clock step and ignored.
    static func decide(grants: [(until: Int64, calls: Int)], calls: Int, limit: Int, windowMs: Int64, validityMs: Int64,
                       nowMs: Int64) -> (grant: BudgetGrant, insert: (until: Int64, calls: Int)?) {
        let counted = grants.filter { $0.until >= nowMs - windowMs && $0.until <= nowMs + validityMs }
        let used = counted.reduce(0) { $0 + $1.calls }
        let left = limit - used
        if left >= 1 {
            let granted = min(max(1, calls), left)
            let until = nowMs + validityMs
            return (.granted(calls: granted, usableUntil: Date(epochMilliseconds: until)), (until, granted))
        }
        let oldest = counted.map(\.until).min() ?? nowMs
        return (.wait(retryAt: Date(epochMilliseconds: oldest + windowMs + 1)), nil)
    }
}

extension SQLiteLedger: RequestBudgetStore {
    public func reserveCalls(tenantId: String, calls: Int, limit: Int, window: Duration, validity: Duration,
                             now: Date) async throws -> BudgetGrant {
        let tenant = tenantId.lowercased()
        let nowMs = now.epochMilliseconds
        let windowMs = BudgetRules.milliseconds(window)
        let validityMs = BudgetRules.milliseconds(validity)
        return try await self.database.write { connection in
            // IMMEDIATE: the count and the insert are one decision across every process on the ledger.
            try connection.transaction(.immediate) {
                try connection.run("DELETE FROM request_grants WHERE tenant_id = ? AND (usable_until < ? OR usable_until > ?)",
                                   [.text(tenant), .integer(nowMs - windowMs), .integer(nowMs + validityMs)])
                let grants = try connection.query("SELECT usable_until, calls FROM request_grants WHERE tenant_id = ?",
                                                  [.text(tenant)]).map { row in
                    (until: row[0].int64 ?? 0, calls: Int(row[1].int64 ?? 0))
                }
                let decision = BudgetRules.decide(grants: grants, calls: calls, limit: limit, windowMs: windowMs,
                                                  validityMs: validityMs, nowMs: nowMs)
                if let insert = decision.insert {
                    try connection.run("INSERT INTO request_grants (tenant_id, usable_until, calls) VALUES (?, ?, ?)",
                                       [.text(tenant), .integer(insert.until), .integer(Int64(insert.calls))])
                }
                return decision.grant
            }
        }
    }
}

extension InMemoryLedger: RequestBudgetStore {
    public func reserveCalls(tenantId: String, calls: Int, limit: Int, window: Duration, validity: Duration,
                             now: Date) async throws -> BudgetGrant {
        let nowMs = now.epochMilliseconds
        let windowMs = BudgetRules.milliseconds(window)
        let validityMs = BudgetRules.milliseconds(validity)
        return self.grants.withLock { all in
            var grants = all[tenantId.lowercased(), default: []]
            grants.removeAll { $0.until < nowMs - windowMs || $0.until > nowMs + validityMs }
            let decision = BudgetRules.decide(grants: grants, calls: calls, limit: limit, windowMs: windowMs,
                                              validityMs: validityMs, nowMs: nowMs)
            if let insert = decision.insert { grants.append(insert) }
            all[tenantId.lowercased()] = grants
            return decision.grant
        }
    }
}
