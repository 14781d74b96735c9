import Foundation
import HookLedger

/// A per-tenant request budget (Microsoft's baseline is 2,000 requests per minute per tenant, reference §8),
/// shared by every caller for the tenant: poller, workers and lifecycle calls all take from it.
///
/// A sliding one-minute window: a request may go when fewer than `perMinute` requests went in the last
/// 60 seconds; otherwise the caller waits until the oldest one leaves the window. With a ``RequestBudgetStore``
/// (the ledger) the window is shared by every process on that ledger: calls are taken from blocks reserved
/// there (see ``SharedBudgetBlocks`` and docs/request-budget.md).
public actor RequestBudget {
    /// Requests allowed in any window.
    public nonisolated let perMinute: Int
    /// The window length: 60 seconds, shorter only in tests.
    public nonisolated let window: Duration
    private let clock: ContinuousClock
    private var sent: [ContinuousClock.Instant] = []
    private var head = 0
    private var shared: SharedBudgetBlocks?
    /// How many acquisitions had to wait (tests, metrics).
    public private(set) var waits = 0

    /// Creates a budget of `perMinute` requests per `window` (at least 1), counted in this process only.
    public init(perMinute: Int = 2000, window: Duration = .seconds(60)) {
        self.perMinute = max(1, perMinute)
        self.window = window
        self.clock = ContinuousClock()
    }

    /// Creates a budget shared through `store` by every process on it, for `tenantId`.
    public init(perMinute: Int = 2000, window: Duration = .seconds(60), store: any RequestBudgetStore, tenantId: String,
                blockSize: Int = SharedBudgetBlocks.defaultMaxBlock, now: @escaping @Sendable () -> Date = { Date() }) {
        self.perMinute = max(1, perMinute)
        self.window = window
        self.clock = ContinuousClock()
        self.shared = SharedBudgetBlocks(store: store, tenantId: tenantId, perMinute: self.perMinute, window: window,
                                         maxBlock: blockSize, now: now)
    }

    /// Waits until one more request fits in the window, then counts it.
    public func acquire() async throws {
        if self.shared != nil {
            try await self.acquireShared()
            return
        }
        while true {
            let now = self.clock.now
            let windowStart = now - self.window
            while self.head < self.sent.count, self.sent[self.head] <= windowStart { self.head += 1 }
            if self.head > 4096 {
                self.sent.removeFirst(self.head)
                self.head = 0
            }
            if self.sent.count - self.head < self.perMinute {
                self.sent.append(now)
                return
            }
            self.waits += 1
            let oldest = self.sent[self.head]
            try await Task.sleep(until: oldest + self.window, clock: self.clock)
        }
    }

    /// Takes a call from the current block, reserving a new one from the store when it is used up or
    /// stale. One reservation at a time: the actor is re-entered while the store works, so the others
    /// look again a few milliseconds later (a reservation is one short ledger transaction).
    private func acquireShared() async throws {
        while true {
            guard var blocks = self.shared else { return }
            if blocks.take() {
                self.shared = blocks
                return
            }
            if self.reserving {
                try await Task.sleep(for: .milliseconds(5))
                continue
            }
            self.reserving = true
            let result: Result<Duration?, any Error>
            do { result = .success(try await blocks.reserve()) } catch { result = .failure(error) }
            self.reserving = false
            self.shared = blocks
            if let wait = try result.get() {
                self.waits += 1
                try await Task.sleep(for: wait)
            }
        }
    }

    private var reserving = false

    /// Requests counted in the current window (this process only).
    public var inWindow: Int {
        let windowStart = self.clock.now - self.window
        return self.sent[self.head...].filter { $0 > windowStart }.count
    }
}
