import Synchronization

/// Runs an expensive refresh at most once per `maxAge`, one at a time: a caller within the age gets the
/// last value; callers that arrive while a refresh runs wait for that refresh and share its value.
///
/// `/metrics` and `/healthz` read the ledger through one of these, so 200 scrapes a second cost one
/// ledger read every `maxAge`, not 200 (docs/receiver-hardening.md). No task is created: the first caller past
/// the age runs the refresh itself; the waiters are suspended requests, bounded by the connection limit.
final class RefreshGate<Value: Sendable>: Sendable {
    private struct State {
        var value: Value?
        var refreshedAt: ContinuousClock.Instant?
        /// Non-nil while a refresh runs: the callers waiting for it.
        var waiters: [CheckedContinuation<Value, Never>]?
    }

    private enum Step {
        case cached(Value)
        case wait
        case refresh
    }

    private let state = Mutex(State())
    let maxAge: Duration
    private let refresh: @Sendable () async -> Value

    init(maxAge: Duration, refresh: @escaping @Sendable () async -> Value) {
        self.maxAge = maxAge
        self.refresh = refresh
    }

    /// The value, refreshed first when the last one is older than `maxAge` (or shared with a refresh in flight).
    func value() async -> Value {
        let now = ContinuousClock.now
        let step = self.state.withLock { state -> Step in
            if state.waiters != nil { return .wait }
            if let value = state.value, let at = state.refreshedAt, now - at < self.maxAge { return .cached(value) }
            state.waiters = []
            return .refresh
        }
        switch step {
        case .cached(let value):
            return value
        case .refresh:
            let value = await self.refresh()
            let waiters = self.state.withLock { state -> [CheckedContinuation<Value, Never>] in
                state.value = value
                state.refreshedAt = ContinuousClock.now
                defer { state.waiters = nil }
                return state.waiters ?? []
            }
            for waiter in waiters { waiter.resume(returning: value) }
            return value
        case .wait:
            return await withCheckedContinuation { continuation in
                let ready = self.state.withLock { state -> Value? in
                    guard state.waiters == nil else {
                        state.waiters?.append(continuation)
                        return nil
                    }
                    return state.value  // the refresh ended in between: it always leaves a value
                }
                if let ready { continuation.resume(returning: ready) }
            }
        }
    }
}
