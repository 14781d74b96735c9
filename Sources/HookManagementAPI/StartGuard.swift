import Foundation
import HookLedger

/// Microsoft allows one `/subscriptions/start` per tenant × content type every 15 minutes (reference §3.1),
/// and a refused start still counts. The guard claims the slot durably before each start.
public struct StartGuard: Sendable {
    /// Where claims are remembered (the ledger in production).
    public let store: any StartGuardStore
    /// The minimum time between two starts (15 minutes by default).
    public let interval: Duration

    /// Creates a guard over `store`.
    public init(store: any StartGuardStore, interval: Duration = .seconds(900)) {
        self.store = store
        self.interval = interval
    }

    /// Claims a start for `tenantId` × `contentType` at `now`; returns nil when allowed, else the
    /// earliest time a start will be allowed.
    public func claim(tenantId: String, contentType: String, now: Date = Date()) async throws -> Date? {
        try await self.store.claimStart(tenantId: tenantId, contentType: contentType.lowercased(), now: now,
                                        interval: self.interval)
    }
}
