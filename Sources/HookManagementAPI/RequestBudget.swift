import Foundation

/// A per-tenant request budget (Microsoft's baseline is 2,000 requests per minute per tenant, reference §8),
/// shared by every caller for the tenant: poller, workers and lifecycle calls all take from it.
///
/// A sliding one-minute window: a request may go when fewer than `perMinute` requests went in the last
/// 60 seconds; otherwise the caller waits until the oldest one leaves the window.
public actor RequestBudget {
    /// Requests allowed in any window.
    public nonisolated let perMinute: Int
    /// The window length: 60 seconds, shorter only in tests.
    public nonisolated let window: Duration
    private let clock: ContinuousClock
    private var sent: [ContinuousClock.Instant] = []
    private var head = 0
    /// How many acquisitions had to wait (tests, metrics).
    public private(set) var waits = 0

    /// Creates a budget of `perMinute` requests per `window` (at least 1).
    public init(perMinute: Int = 2000, window: Duration = .seconds(60)) {
        self.perMinute = max(1, perMinute)
        self.window = window
        self.clock = ContinuousClock()
    }

    /// Waits until one more request fits in the window, then counts it.
    public func acquire() async throws {
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

    /// Requests counted in the current window.
    public var inWindow: Int {
        let windowStart = self.clock.now - self.window
        return self.sent[self.head...].filter { $0 > windowStart }.count
    }
}
