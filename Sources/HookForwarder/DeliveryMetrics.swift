import Foundation
import HookLedger
import HookMetrics
import HookSpool

/// The delivery side's series on `/metrics` (issue 13 §5): per sink its lag behind the spool's end, the age of
/// its oldest unsent record and its state; for the spool its size, its segments and whether fetching is
/// paused because it is full.
public struct DeliveryMetrics: Sendable {
    let lagRecords: Gauge
    let oldestUnsent: Gauge
    let state: Gauge
    let spoolBytes: Gauge
    let spoolSegments: Gauge
    let spoolMaxBytes: Gauge
    let fetchPaused: Gauge
    let records: Counter
    let forwarded: Counter
    let lag: Histogram

    /// Declares the series in `registry`.
    public init(registry: MetricsRegistry) {
        self.lagRecords = registry.gauge("activityhook_sink_lag_records",
                                         help: "Spool entries past the sink's cursor: records spooled that it has not accepted yet.")
        self.oldestUnsent = registry.gauge("activityhook_sink_oldest_unsent_age_seconds",
                                           help: "Age of the oldest spooled record the sink has not accepted (0 when caught up).")
        self.state = registry.gauge("activityhook_sink_state",
                                    help: "A sink's delivery state: 0 delivering, 1 retrying, 2 permanent error (an operator must act).")
        self.spoolBytes = registry.gauge("activityhook_spool_bytes", help: "Bytes of the spool's segment files.")
        self.spoolSegments = registry.gauge("activityhook_spool_segments", help: "Segment files in the spool.")
        self.spoolMaxBytes = registry.gauge("activityhook_spool_max_bytes",
                                            help: "spool.maxBytes: at this size fetching pauses (alert at 80%).")
        self.fetchPaused = registry.gauge("activityhook_spool_fetch_paused",
                                          help: "1 while the spool is at spool.maxBytes and no blob is leased; blobs wait in the ledger.")
        self.records = registry.counter("activityhook_records_forwarded_total", help: "Records accepted per sink.")
        self.forwarded = registry.counter("activityhook_blobs_forwarded_total",
                                          help: "Content blobs done: every sink's cursor passed their last record.")
        self.lag = registry.histogram("activityhook_forward_lag_seconds",
                                      help: "End-to-end lag of forwarded records: the time a sink accepted them minus CreationTime.",
                                      buckets: ForwarderMetrics.lagBuckets)
    }

    static func stateValue(_ state: SinkDeliveryState) -> Double {
        switch state {
        case .delivering: 0
        case .retrying: 1
        case .permanent: 2
        }
    }

    /// The spool's gauges.
    public func refresh(spool: Spool, paused: Bool) {
        self.spoolBytes.set(Double(spool.bytes))
        self.spoolSegments.set(Double(spool.segmentCount))
        self.spoolMaxBytes.set(Double(spool.configuration.maxBytes))
        self.fetchPaused.set(paused ? 1 : 0)
    }
}
