import HookEntraAuth
import HookRetry

/// How long ``BatchingSink`` keeps retrying one request before it gives the records back to its caller.
///
/// The budget bounds a single `deliver` call: past it the call throws a transient ``SinkError`` (with the
/// server's `Retry-After`, if any). The sink's delivery loop then records the state (`status`, `/metrics`) and
/// retries with its own back-off for as long as it takes (docs/spool.md), so this budget is short: the state
/// an operator sees turns to "retrying" within seconds of the first failure.
public struct SinkRetryPolicy: Sendable {
    /// Back-off between attempts (exponential with full jitter; a server's `Retry-After` is used as given);
    /// its `maxAttempts` counts the first attempt too.
    public var backoff: Backoff
    /// Total time one request may spend retrying; a wait that would end past it is not started.
    public var budget: Duration

    /// Creates a policy; the defaults allow 3 attempts within 5 s, starting at 0.5 s and capped at 2 s.
    /// - Parameters:
    ///   - backoff: The back-off rule and the attempt limit.
    ///   - budget: The most time spent retrying one request.
    public init(backoff: Backoff = Backoff(base: .milliseconds(500), cap: .seconds(2), maxAttempts: 3),
                budget: Duration = .seconds(5)) {
        self.backoff = backoff
        self.budget = budget
    }
}

/// Concurrency and memory bounds of one ``BatchingSink``.
public struct BatchingSinkConfiguration: Sendable {
    /// Requests sent at once (1 keeps a file's lines in delivery order; a few for HTTP destinations).
    public var maxInFlight: Int
    /// Record bytes that may wait for a request; further `deliver` calls wait until some are sent.
    /// A single batch larger than this is still accepted when nothing else waits.
    public var maxPendingBytes: Int
    /// Retries of a failed request.
    public var retry: SinkRetryPolicy

    /// Creates the settings.
    /// - Parameters:
    ///   - maxInFlight: Concurrent requests, at least 1.
    ///   - maxPendingBytes: Back-pressure threshold in bytes of original record JSON.
    ///   - retry: Back-off and retry budget.
    public init(maxInFlight: Int = 1, maxPendingBytes: Int = 16 << 20, retry: SinkRetryPolicy = SinkRetryPolicy()) {
        self.maxInFlight = max(1, maxInFlight)
        self.maxPendingBytes = max(1, maxPendingBytes)
        self.retry = retry
    }
}
