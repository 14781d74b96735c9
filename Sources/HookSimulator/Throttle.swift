import Foundation
import Synchronization

/// Request budgets (§8): 2,000 requests per minute per tenant by default, in one-minute windows that
/// start at a pool's first request (not at wall-clock minutes, so that a burst is judged the same
/// whenever it happens), and the `/start` waiting period per tenant and content type (§3.1).
///
/// Budget windows run on real (monotonic) time, not on the simulated clock: moving the simulated clock
/// to age content must not refill a budget, and a test checks a client's own budget against this one.
/// `throttleWindowSeconds` shortens the window in tests.
///
/// `PublisherIdentifier` is accounted for: calls that carry one count against the budget of
/// (tenant, publisher); calls without one all share a single pool across every tenant. That is
/// the stale troubleshooting text's model (§8), and the harsher reading: a client that forgets
/// the parameter competes with every other such client.
final class Throttle: Sendable {
    private struct Window {
        var start: ContinuousClock.Instant
        var count: Int
    }

    private let windows = Mutex<[String: Window]>([:])

    /// Counts one request; returns false when the pool's budget for this minute is spent, and the pool's
    /// count in this window so far (this request included).
    func admit(tenant: String, publisher: String?, budget: Int, windowSeconds: Double) -> (admitted: Bool, count: Int) {
        let key = publisher.map { "\(tenant)|\($0.lowercased())" } ?? "shared-pool"
        let now = ContinuousClock.now
        return self.windows.withLock { windows in
            var window = windows[key] ?? Window(start: now, count: 0)
            if now - window.start >= .milliseconds(Int64(windowSeconds * 1000)) { window = Window(start: now, count: 0) }
            window.count += 1
            windows[key] = window
            return (window.count <= budget, window.count)
        }
    }

    /// Forgets every window (`/_sim/reset`).
    func reset() { self.windows.withLock { $0.removeAll() } }

    /// The AF429 method name for an operation, as in `Method=GetBlob` (§8).
    static func methodName(_ operation: String) -> String {
        switch operation {
        case "blob": "GetBlob"
        case "content": "GetContents"
        case "notifications": "GetNotifications"
        case "list": "ListSubscriptions"
        case "start": "StartSubscription"
        case "stop": "StopSubscription"
        default: operation
        }
    }
}

extension SimulatorState {
    /// Applies the `/start` waiting period: nil when allowed (and recorded), else the 429 error
    /// with Elastic's observed wording, "Please retry again after 14m 56s" (§3.1, §8).
    ///
    /// Every `/start` attempt that passed authentication counts, even one that then fails
    /// (harsher; undocumented).
    func admitStart(_ key: SubscriptionKey, now: Date) -> APIError? {
        self.withStore { store in
            let period = store.settings.startThrottleSeconds
            if period > 0, let last = store.lastStart[key], now.timeIntervalSince(last) < period {
                store.counters.startThrottled += 1
                let remaining = Int((period - now.timeIntervalSince(last)).rounded(.up))
                return APIError(status: 429, code: "AF429",
                                message: "Too many frequent subscription start requests. Please retry again after \(remaining / 60)m \(remaining % 60)s")
            }
            store.lastStart[key] = now
            return nil
        }
    }
}
