import Foundation
import HookLedger
import HookMetrics

/// The forwarder's series on `/metrics` (issue 6 §3, issue 7 §2). Blob outcomes are counted per tenant and
/// content type; records per sink. The oldest-pending age and the blobs expiring within 24 hours are the
/// receiver's `activityhook_ledger_*` gauges (read from the same `Ledger.summary`); ``refresh(from:backlog:)``
/// adds the per tenant × content type × state counts and the per-sink backlog.
public struct ForwarderMetrics: Sendable {
    let fetched: Counter
    let spooled: Counter
    let dead: Counter
    let expired: Counter
    let failed: Counter
    let duplicates: Counter
    let bytes: Counter
    let blobs: Gauge
    let backlog: Gauge
    let fetchLag: Histogram

    /// Lag buckets: seconds up to the 7-day content window.
    static let lagBuckets: [Double] = [1, 5, 15, 30, 60, 120, 300, 600, 1_200, 1_800, 3_600, 7_200, 14_400, 43_200,
                                       86_400, 172_800, 604_800]

    /// Declares the series in `registry`.
    public init(registry: MetricsRegistry) {
        self.fetched = registry.counter("activityhook_blobs_fetched_total", help: "Content blobs fetched completely.")
        self.spooled = registry.counter("activityhook_blobs_spooled_total",
                                        help: "Content blobs fetched whose every new record is in the local spool.")
        self.dead = registry.counter("activityhook_blobs_dead_total",
                                     help: "Content blobs given up for a permanent reason (AF20050/51/52, unparseable).")
        self.expired = registry.counter("activityhook_blobs_expired_total",
                                        help: "Content blobs that expired before they were forwarded: unrecoverable data loss.")
        self.failed = registry.counter("activityhook_blob_failures_total",
                                       help: "Blob attempts that failed and will be retried, by reason (fetch, parse).")
        self.duplicates = registry.counter("activityhook_records_duplicate_total",
                                           help: "Records suppressed because another blob's copy is already in the spool.")
        self.bytes = registry.counter("activityhook_blob_bytes_fetched_total", help: "Bytes of content blobs fetched.")
        self.blobs = registry.gauge("activityhook_blobs", help: "Blobs in the ledger per tenant, content type and state.")
        self.backlog = registry.gauge("activityhook_sink_backlog_blobs",
                                      help: "Blobs not done that the sink has not accepted yet.")
        self.fetchLag = registry.histogram("activityhook_fetch_lag_seconds",
                                           help: "Fetch lag per tenant and content type: the time a blob was spooled minus its contentCreated.",
                                           buckets: Self.lagBuckets)
    }

    static func labels(_ tenant: String, _ contentType: String) -> [String: String] {
        ["tenant": tenant, "content_type": contentType]
    }

    /// Re-sets the ledger gauges from a summary and a ``Ledger/sinkBacklog(sinks:)`` answer (at scrape time
    /// or on a timer); series that disappeared are dropped.
    public func refresh(from summary: LedgerSummary, backlog: [String: Int]) {
        self.blobs.reset()
        for count in summary.counts {
            self.blobs.set(Double(count.count), Self.labels(count.tenantId, count.contentType).merging(["state": count.state.rawValue]) { $1 })
        }
        self.backlog.reset()
        for (sink, blobs) in backlog { self.backlog.set(Double(blobs), ["sink": sink]) }
    }

    /// Reads the summary and the backlog of `sinks` from `ledger` and refreshes the gauges.
    public func refresh(from ledger: any Ledger, sinks: [String], now: Date) async throws {
        let summary = try await ledger.summary(now: now)
        let backlog = try await ledger.sinkBacklog(sinks: sinks)
        self.refresh(from: summary, backlog: backlog)
    }
}
