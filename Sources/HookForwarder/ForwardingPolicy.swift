import Foundation
import HookConfig
import HookRetry

/// How the forwarder paces, bounds and retries one blob.
public struct ForwardingPolicy: Sendable {
    /// Most records split from a blob before they are de-duplicated and delivered (a window).
    public var windowRecords: Int
    /// Most bytes of records in a window: with `windowRecords` this bounds a worker's memory, whatever the blob size.
    public var windowBytes: Int
    /// Unparseable bodies after which a blob is dead (sink outages and fetch errors never count).
    public var maxParseFailures: Int
    /// Attempts after which a blob whose GET keeps answering a 4xx that retrying cannot cure (400, 404, 410…:
    /// not 401, 403, 408 or 429) is dead instead of retried until it expires (`replay --dead` re-queues it).
    public var maxClientErrorAttempts: Int
    /// The first retry's wait; it doubles per attempt.
    public var retryBase: Duration
    /// The longest wait chosen by the doubling rule, so a sink that recovers is caught up within it.
    public var retryCap: Duration
    /// The longest server-requested wait (`Retry-After`) honoured as given; longer ones are cut to this.
    public var maxServerWait: Duration
    /// Attempts after which each further failure of the same blob is logged at error level (`workers.maxAttempts`).
    public var errorAfterAttempts: Int
    /// How long a lease lasts; a worker renews it every third of this while the blob is in flight.
    public var leaseDuration: Duration

    /// Creates a policy; the defaults suit production.
    public init(windowRecords: Int = 1_000, windowBytes: Int = 1 << 20, maxParseFailures: Int = 3,
                retryBase: Duration = .seconds(5), retryCap: Duration = .seconds(300), maxServerWait: Duration = .seconds(900),
                errorAfterAttempts: Int = 10, leaseDuration: Duration = .seconds(300),
                maxClientErrorAttempts: Int = 3) {
        self.windowRecords = max(1, windowRecords)
        self.windowBytes = max(1, windowBytes)
        self.maxParseFailures = max(1, maxParseFailures)
        self.maxClientErrorAttempts = max(1, maxClientErrorAttempts)
        self.retryBase = retryBase
        self.retryCap = retryCap
        self.maxServerWait = maxServerWait
        self.errorAfterAttempts = max(1, errorAfterAttempts)
        self.leaseDuration = leaseDuration
    }

    /// The defaults with `workers.maxAttempts` as the error-logging threshold.
    public init(workers: WorkersConfig) {
        self.init(errorAfterAttempts: workers.maxAttempts)
    }

    /// The wait before the next attempt of a blob whose attempt number `attempt` failed: the server's wait
    /// when one was given (between 1 s and `maxServerWait`), else `retryBase × 2^(attempt-1)` capped at `retryCap`,
    /// with jitter in [50 %, 100 %] so that blobs failing together do not return together.
    public func retryDelay(attempt: Int, serverRequested: Duration?,
                           random: (ClosedRange<Double>) -> Double = { Double.random(in: $0) }) -> Duration {
        // At least a second, so a `Retry-After: 0` cannot make a worker spin on one blob.
        if let serverRequested { return max(.seconds(1), min(serverRequested, self.maxServerWait)) }
        let exponent = attempt <= 1 ? 0 : min(attempt - 1, 20)
        let ceiling = min(Self.seconds(self.retryCap), Self.seconds(self.retryBase) * Double(1 << exponent))
        return Saturating.duration(seconds: ceiling * random(0.5...1.0), limit: self.retryCap)
    }

    static func seconds(_ duration: Duration) -> Double { Saturating.seconds(duration) }
}
