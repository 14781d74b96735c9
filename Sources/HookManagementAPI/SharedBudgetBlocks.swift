import Foundation
import HookLedger

/// The calls a process holds from a tenant's budget in the ledger (docs/request-budget.md): one block at a
/// time, usable for ``validity``; the next block's size follows demand (doubling when a block ran out,
/// halving when it went stale with calls left), so a quiet process does not hold calls others could use.
public struct SharedBudgetBlocks: Sendable {
    /// The largest block `serve` reserves at once (a ledger write per this many calls at full speed).
    public static let defaultMaxBlock = 50
    /// How long a block's calls may be used after it was reserved, per window: a twelfth (5 s of a minute).
    /// A block counts until a window after this, so a longer validity costs capacity, a shorter one ledger writes.
    public static let validityFraction = 12
    /// Added to the window when counting, for the time between our count and Microsoft's (network, retries).
    public static let latencyMargin: Duration = .seconds(2)
    /// The longest sleep before asking the ledger again.
    static let maxWait: Duration = .seconds(5)

    let store: any RequestBudgetStore
    let tenantId: String
    let perMinute: Int
    let window: Duration
    let maxBlock: Int
    let now: @Sendable () -> Date
    private var left = 0
    private var usableUntil = Date.distantPast
    private var nextSize = 1

    init(store: any RequestBudgetStore, tenantId: String, perMinute: Int, window: Duration, maxBlock: Int,
         now: @escaping @Sendable () -> Date) {
        self.store = store
        self.tenantId = tenantId
        self.perMinute = perMinute
        self.window = window
        self.maxBlock = max(1, min(maxBlock, perMinute))
        self.now = now
    }

    /// Takes one call from the block if it has one and is still usable.
    mutating func take() -> Bool {
        guard self.left > 0, self.now() < self.usableUntil else { return false }
        self.left -= 1
        if self.left == 0 { self.nextSize = min(self.maxBlock, self.nextSize * 2) }
        return true
    }

    /// Reserves the next block; returns how long to wait first when the budget is spent.
    mutating func reserve() async throws -> Duration? {
        if self.left > 0 { self.nextSize = max(1, self.nextSize / 2) }  // went stale unused
        self.left = 0
        let now = self.now()
        let grant = try await self.store.reserveCalls(tenantId: self.tenantId, calls: self.nextSize, limit: self.perMinute,
                                                      window: self.window + Self.latencyMargin,
                                                      validity: self.window / Self.validityFraction, now: now)
        switch grant {
        case .granted(let calls, let until):
            self.left = calls
            self.usableUntil = until
            return nil
        case .wait(let retryAt):
            let seconds = min(max(retryAt.timeIntervalSince(now), 0.01), Double(Self.maxWait.components.seconds))
            return .milliseconds(Int64(seconds * 1000))
        }
    }
}
