/// The per-minute post budget of an alert webhook: fixed one-minute windows that open with the first post.
struct AlertRateWindow: Sendable {
    /// What a send may post now.
    enum Grant: Equatable {
        /// Post this many messages (individual ones, and the summary if one is needed).
        case posts(Int)
        /// Nothing left in this window; it reopens after this long.
        case exhausted(reopensIn: Duration)
    }

    let ratePerMinute: Int
    private var windowStart: ContinuousClock.Instant?
    private var used = 0

    init(ratePerMinute: Int) {
        self.ratePerMinute = max(1, ratePerMinute)
    }

    /// Reserves up to `wanted` posts at `now`.
    mutating func reserve(_ wanted: Int, now: ContinuousClock.Instant) -> Grant {
        if let start = self.windowStart, now - start < .seconds(60) {
            let left = self.ratePerMinute - self.used
            guard left > 0 else { return .exhausted(reopensIn: start + .seconds(60) - now) }
            let granted = min(left, wanted)
            self.used += granted
            return .posts(granted)
        }
        self.windowStart = now
        self.used = min(self.ratePerMinute, wanted)
        return .posts(self.used)
    }

    /// Gives back posts that were reserved but not made (the send failed before them).
    mutating func refund(_ count: Int) {
        self.used = max(0, self.used - count)
    }
}
