import Foundation
import HookLedger
import HookMetrics
import Synchronization

/// What an operator watches on the receiver, as Prometheus metrics.
public struct ReceiverMetrics: Sendable {
    public let registry: MetricsRegistry
    let notifications: Counter
    let validations: Counter
    let rejectedElements: Counter
    let blobsRecorded: Counter
    let requestSeconds: Histogram
    let ledgerBlobs: Gauge
    let oldestPendingAge: Gauge
    let expiringSoon: Gauge
    // Series bound once for the per-notification path.
    let stored: BoundCounter
    let recordedNew: BoundCounter
    let recordedDuplicate: BoundCounter
    let storeSeconds: BoundHistogram
    /// Webhook notification delay: when the notification arrived minus the blob's `contentCreated`.
    let notificationDelay: Histogram
    /// Its series per tenant and content type, bound on first use (configured pairs only: the validator
    /// rejects every other pair, so the set stays small).
    private let delaySeries = SeriesCache()
    private let scrapeHooks = ScrapeHooks()

    public init(registry: MetricsRegistry = MetricsRegistry()) {
        self.registry = registry
        self.notifications = registry.counter(
            "activityhook_notifications_total", help: "Notification requests by result (stored, rejected, unauthorized, malformed, unavailable).")
        self.validations = registry.counter(
            "activityhook_validations_total", help: "Webhook validation handshakes by result.")
        self.rejectedElements = registry.counter(
            "activityhook_rejected_elements_total", help: "Notification elements not stored, by reason.")
        self.blobsRecorded = registry.counter(
            "activityhook_blobs_recorded_total", help: "Blobs recorded from notifications (new or duplicate).")
        self.requestSeconds = registry.histogram(
            "activityhook_webhook_request_seconds", help: "Time from a complete notification body to its answer.",
            buckets: [0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5])
        self.ledgerBlobs = registry.gauge("activityhook_ledger_blobs", help: "Blobs in the ledger by state.")
        self.oldestPendingAge = registry.gauge(
            "activityhook_ledger_oldest_pending_age_seconds", help: "Age of the oldest blob not yet done (0 when none).")
        self.expiringSoon = registry.gauge(
            "activityhook_ledger_expiring_24h_blobs", help: "Blobs not done whose content expires within 24 hours.")
        self.stored = self.notifications.bind(["result": "stored"])
        self.recordedNew = self.blobsRecorded.bind(["outcome": "new"])
        self.recordedDuplicate = self.blobsRecorded.bind(["outcome": "duplicate"])
        self.storeSeconds = self.requestSeconds.bind()
        self.notificationDelay = registry.histogram(
            "activityhook_notification_delay_seconds", help: "Webhook notification time minus the blob's contentCreated.",
            buckets: [1, 5, 15, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600])
    }

    /// Records one notified blob's delay under its tenant and content type.
    func observeNotificationDelay(_ seconds: Double, tenant: String, contentType: String) {
        let key = tenant + "|" + contentType
        let series = self.delaySeries.map.withLock { cache in
            if let bound = cache[key] { return bound }
            let bound = self.notificationDelay.bind(["tenant": tenant, "content_type": contentType])
            cache[key] = bound
            return bound
        }
        series.observe(seconds)
    }

    /// Registers work to run before each `/metrics` render (the forwarder refreshes its gauges from the ledger).
    public func onScrape(_ hook: @escaping @Sendable () async -> Void) { self.scrapeHooks.add(hook) }

    /// Runs the registered scrape hooks, in registration order.
    func runScrapeHooks() async {
        for hook in self.scrapeHooks.all { await hook() }
    }

    /// Refreshes the ledger gauges from a summary (at scrape time).
    func update(from summary: LedgerSummary, now: Date) {
        self.ledgerBlobs.reset()
        for state in BlobState.allCases { self.ledgerBlobs.set(Double(summary.total(state)), ["state": state.rawValue]) }
        // Per tenant and content type (every configured pair reads 0 when it has nothing pending: gauges of
        // pairs that drained are cleared, not left at their last value).
        self.oldestPendingAge.reset()
        self.expiringSoon.reset()
        self.oldestPendingAge.set(summary.oldestPendingSince.map { max(0, now.timeIntervalSince($0)) } ?? 0)
        self.expiringSoon.set(Double(summary.expiringWithin24h))
        for stats in summary.pending {
            let labels = ["tenant": stats.tenantId, "content_type": stats.contentType]
            self.oldestPendingAge.set(max(0, now.timeIntervalSince(stats.oldestSince)), labels)
            self.expiringSoon.set(Double(stats.expiringWithin24h), labels)
        }
    }
}

/// The hooks run at scrape time; registered once at start-up, read on every scrape.
private final class ScrapeHooks: Sendable {
    private let hooks = Mutex<[@Sendable () async -> Void]>([])
    func add(_ hook: @escaping @Sendable () async -> Void) { self.hooks.withLock { $0.append(hook) } }
    var all: [@Sendable () async -> Void] { self.hooks.withLock { $0 } }
}

/// Bound histogram series by key, shared by the copies of ``ReceiverMetrics``.
private final class SeriesCache: Sendable {
    let map = Mutex<[String: BoundHistogram]>([:])
}
