import HookEntraAuth
import HookRetry

/// How long ``BatchingSink`` keeps retrying one request before it gives the records back to the forwarder.
///
/// The budget bounds a single `deliver` call: past it the call throws a transient ``SinkError`` and the blob
/// stays pending for this sink only, so one slow destination never stalls a worker for long.
public struct SinkRetryPolicy: Sendable {
    /// Back-off between attempts (exponential with full jitter; a server's `Retry-After` is used as given);
    /// its `maxAttempts` counts the first attempt too.
    public var backoff: Backoff
    /// Total time one request may spend retrying; a wait that would end past it is not started.
    public var budget: Duration

    /// Creates a policy; the defaults allow 8 attempts within 60 s, starting at 0.5 s and capped at 30 s.
    /// - Parameters:
    ///   - backoff: The back-off rule and the attempt limit.
    ///   - budget: The most time spent retrying one request.
    public init(backoff: Backoff = Backoff(base: .milliseconds(500), cap: .seconds(30), maxAttempts: 8),
                budget: Duration = .seconds(60)) {
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
