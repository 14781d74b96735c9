import HookConfig
import Logging

/// A ``Sink`` on a ``BatchTransport``: coalesces concurrent deliveries from many workers into requests
/// bounded by the transport's ``BatchLimits``, retries with back-off and `Retry-After`, bounds the memory
/// of waiting records, and reports `activityhook_sink_*` metrics.
///
/// There is no background task. A `deliver` caller that finds a free request slot becomes the *leader*:
/// it waits up to `limits.linger` for other workers' records (less when the request fills up), sends, and
/// resumes the callers whose records were in that request. The others wait as *followers*; each returns
/// once every one of its records was accepted, or throws ``SinkError`` when a request holding any of them
/// failed permanently or used up its retry budget (see ``SinkRetryPolicy``). A batch larger than the limits
/// is cut into several requests; a record is never split.
///
/// A delivery whose records went out in several requests may fail after some of them were accepted: the
/// forwarder then re-delivers the whole batch later, so the destination can see those records twice.
public final class BatchingSink<T: BatchTransport>: Sink {
    /// The configured name.
    public let name: String
    /// The records this sink receives.
    public let filter: SinkFilter
    /// The wire protocol under this sink.
    public let transport: T
    private let core: BatchingCore<T>

    /// Wraps `transport`.
    /// - Parameters:
    ///   - name: The sink's configured name (metrics label, error messages).
    ///   - filter: The sink's routing filter (applied by the forwarder).
    ///   - transport: The destination's wire protocol.
    ///   - configuration: Requests in flight, memory bound and retry policy.
    ///   - metrics: This sink's metric series.
    ///   - logger: Logger for retries and failures (debug and info only).
    public init(name: String, filter: SinkFilter, transport: T, configuration: BatchingSinkConfiguration = BatchingSinkConfiguration(),
                metrics: SinkMetrics, logger: Logger) {
        self.name = name
        self.filter = filter
        self.transport = transport
        var logger = logger
        logger[metadataKey: "sink"] = "\(name)"
        self.core = BatchingCore(name: name, transport: transport, configuration: configuration, metrics: metrics, logger: logger)
    }

    /// Delivers the batch and returns once the destination accepted all of its records.
    /// - Throws: ``SinkError``: transient after the retry budget, permanent at once, or transient when the sink is shut down.
    public func deliver(_ batch: RecordBatch) async throws {
        try await self.core.deliver(batch)
    }

    /// Lets in-flight and already queued deliveries finish (without starting new retry waits), refuses new
    /// ones with a transient ``SinkError``, then closes the transport.
    public func shutdown() async {
        await self.core.shutdown()
    }

    /// Records waiting for a request (not yet handed to the transport); for status and tests.
    public var queuedRecords: Int {
        get async { await self.core.queuedRecords }
    }

    /// Deliveries held back because the queue is at `maxPendingBytes`; for status and tests.
    public var deliveriesWaitingForSpace: Int {
        get async { await self.core.spaceWaiters.count }
    }
}
