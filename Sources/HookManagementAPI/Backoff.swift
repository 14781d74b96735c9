/// Exponential back-off with full jitter, capped, honouring the server's requested wait when it gave one.
public struct Backoff: Sendable {
    /// The first retry's upper bound.
    public var base: Duration
    /// The largest wait ever chosen by the exponential rule.
    public var cap: Duration
    /// Attempts in total, the first included.
    public var maxAttempts: Int

    /// Creates a policy; defaults suit the Management API (1 s doubling to 5 min, 8 attempts).
    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300), maxAttempts: Int = 8) {
        self.base = base
        self.cap = cap
        self.maxAttempts = max(1, maxAttempts)
    }

    /// The wait before retry number `attempt` (1 = first retry). A server-requested wait is used as given
    /// (plus up to 10% jitter so that many clients do not return at once); otherwise a random wait in
    /// `[0, min(cap, base × 2^(attempt-1))]`.
    public func delay(attempt: Int, serverRequested: Duration?,
                      random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> Duration {
        if let serverRequested {
            let seconds = Self.seconds(serverRequested)
            return .milliseconds(Int64((seconds * (1 + random(0...0.1))) * 1000))
        }
        let exponent = min(max(attempt - 1, 0), 30)
        let ceiling = min(Self.seconds(self.cap), Self.seconds(self.base) * Double(1 << exponent))
        return .milliseconds(Int64(random(0...ceiling) * 1000))
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }
}
