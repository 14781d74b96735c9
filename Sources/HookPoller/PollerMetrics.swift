import Foundation
import HookLedger
import HookMetrics
import Logging

/// The poller's series on `/metrics`: polls by result, listing volume, and the completeness gauges read
/// from the ledger's `notified`/`listed` flags (webhook gaps show as `activityhook_blobs_only_polled`).
struct PollerMetrics: Sendable {
    private let polls: Counter
    private let pages: Counter
    private let blobs: Counter
    private let notified: Gauge
    private let listed: Gauge
    private let onlyPolled: Gauge
    private let onlyNotified: Gauge
    private let completeness: (any CompletenessSource)?

    init(registry: MetricsRegistry, completeness: (any CompletenessSource)?) {
        self.polls = registry.counter("activityhook_polls_total", help: "Polls per tenant and content type by result (ok, error, resubscribe).")
        self.pages = registry.counter("activityhook_poll_pages_total", help: "Content listing pages fetched by the poller.")
        self.blobs = registry.counter("activityhook_poll_blobs_total", help: "Blobs listed by the poller, new or already known.")
        self.notified = registry.gauge("activityhook_blobs_notified", help: "Blobs in the ledger that a webhook notification announced.")
        self.listed = registry.gauge("activityhook_blobs_listed", help: "Blobs in the ledger that the poller or a backfill listed.")
        self.onlyPolled = registry.gauge("activityhook_blobs_only_polled",
                                         help: "Blobs found only by listing, never notified (webhook gaps).")
        self.onlyNotified = registry.gauge("activityhook_blobs_only_notified", help: "Blobs notified but not listed (yet).")
        self.completeness = completeness
    }

    func record(_ report: PollReport, tenant: String, contentType: String) {
        let labels = ["tenant": tenant, "content_type": contentType]
        self.polls.increment(labels.merging(["result": "ok"]) { $1 })
        self.pages.increment(labels, by: Double(report.pages))
        self.blobs.increment(labels.merging(["kind": "new"]) { $1 }, by: Double(report.newBlobs))
        self.blobs.increment(labels.merging(["kind": "known"]) { $1 }, by: Double(report.knownBlobs))
    }

    func failed(tenant: String, contentType: String, resubscribe: Bool) {
        self.polls.increment(["tenant": tenant, "content_type": contentType, "result": resubscribe ? "resubscribe" : "error"])
    }

    /// Re-reads the completeness counts (one grouped query per cycle).
    func refreshCompleteness(logger: Logger) async {
        guard let completeness else { return }
        do {
            for count in try await completeness.completeness() {
                let labels = ["tenant": count.tenantId, "content_type": count.contentType]
                self.notified.set(Double(count.notified), labels)
                self.listed.set(Double(count.listed), labels)
                self.onlyPolled.set(Double(count.onlyListed), labels)
                self.onlyNotified.set(Double(count.onlyNotified), labels)
            }
        } catch {
            logger.warning("cannot read completeness counts", metadata: ["error": "\(error)"])
        }
    }
}
