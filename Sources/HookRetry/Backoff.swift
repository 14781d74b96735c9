/// Exponential back-off with full jitter, capped, honouring the server's requested wait when it gave one.
///
/// Every wait it returns lies in `[0, cap]` for the exponential rule and in `[0, serverCap]` for a wait the
/// server asked for, whatever it asked: a peer cannot make us sleep for years, and no arithmetic here can
/// overflow (docs/remote-input.md).
public struct Backoff: Sendable {
    /// The first retry's upper bound.
    public var base: Duration
    /// The largest wait chosen by the exponential rule.
    public var cap: Duration
    /// The largest server-requested wait honoured (15 minutes by default: Microsoft's longest documented
    /// wait is the start throttle's 15 minutes).
    public var serverCap: Duration
    /// Attempts in total, the first included.
    public var maxAttempts: Int

    /// Creates a policy; defaults suit the Management API (1 s doubling to 5 min, 8 attempts).
    public init(base: Duration = .seconds(1), cap: Duration = .seconds(300), maxAttempts: Int = 8,
                serverCap: Duration = .seconds(900)) {
        self.base = max(.zero, base)
        self.cap = max(.zero, min(cap, Saturating.maxServerWait))
        self.serverCap = max(.zero, min(serverCap, Saturating.maxServerWait))
        self.maxAttempts = max(1, maxAttempts)
    }

    /// The wait before retry number `attempt` (1 = first retry). A server-requested wait is used as given
    /// (plus up to 10% jitter so that many clients do not return at once) but never past `serverCap`;
    /// otherwise a random wait in `[0, min(cap, base × 2^(attempt-1))]`.
    public func delay(attempt: Int, serverRequested: Duration?,
                      random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> Duration {
        let cap = Saturating.seconds(self.cap)
        if let serverRequested {
            let seconds = min(Saturating.seconds(serverRequested), Saturating.seconds(self.serverCap))
            return Saturating.duration(seconds: seconds * (1 + random(0...0.1)), limit: self.serverCap)
        }
        let exponent = attempt <= 1 ? 0 : min(attempt - 1, 30)
        let ceiling = min(cap, Saturating.seconds(self.base) * Double(1 << exponent))
        return Saturating.duration(seconds: random(0...ceiling), limit: self.cap)
    }

    /// `duration` in seconds (kept for callers that compare waits in seconds).
    package static func seconds(_ duration: Duration) -> Double { Saturating.seconds(duration) }
}
