import HookMetrics

/// One sink's series on `/metrics`, all labelled `sink="<name>"`: records, requests and bytes sent,
/// requests that failed for good by kind, retries, and the latency of every request attempt.
public struct SinkMetrics: Sendable {
    private let records: BoundCounter
    private let batches: BoundCounter
    private let bytes: BoundCounter
    private let transientFailures: BoundCounter
    private let permanentFailures: BoundCounter
    private let retries: BoundCounter
    private let latency: BoundHistogram

    /// Seconds buckets of `activityhook_sink_send_seconds`, from a local fsync to a slow indexer ack.
    public static let latencyBuckets: [Double] = [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 300]

    /// Registers the `activityhook_sink_*` families (once per registry) and binds this sink's series.
    /// - Parameters:
    ///   - registry: The process's registry.
    ///   - sink: The sink's configured name, used as the `sink` label.
    public init(registry: MetricsRegistry, sink: String) {
        let labels = ["sink": sink]
        self.records = registry.counter("activityhook_sink_records_sent_total",
                                        help: "Records a sink's destination accepted.").bind(labels)
        self.batches = registry.counter("activityhook_sink_batches_sent_total",
                                        help: "Requests (batches) a sink's destination accepted.").bind(labels)
        self.bytes = registry.counter("activityhook_sink_bytes_sent_total",
                                      help: "Bytes of original record JSON a sink's destination accepted.").bind(labels)
        let failures = registry.counter("activityhook_sink_failures_total",
                                        help: "Requests a sink gave up on, by kind (transient, permanent).")
        self.transientFailures = failures.bind(["sink": sink, "kind": SinkError.Kind.transient.rawValue])
        self.permanentFailures = failures.bind(["sink": sink, "kind": SinkError.Kind.permanent.rawValue])
        self.retries = registry.counter("activityhook_sink_retries_total",
                                        help: "Request attempts a sink repeated after a retryable failure.").bind(labels)
        self.latency = registry.histogram("activityhook_sink_send_seconds", help: "Duration of each request attempt of a sink.",
                                          buckets: Self.latencyBuckets).bind(labels)
    }

    func accepted(records: Int, bytes: Int) {
        self.records.increment(by: Double(records))
        self.batches.increment()
        self.bytes.increment(by: Double(bytes))
    }

    func attempted(_ duration: Duration) {
        let (seconds, attoseconds) = duration.components
        self.latency.observe(Double(seconds) + Double(attoseconds) / 1e18)
    }

    func failed(_ kind: SinkError.Kind) {
        switch kind {
        case .transient: self.transientFailures.increment()
        case .permanent: self.permanentFailures.increment()
        }
    }

    func retried() { self.retries.increment() }
}
