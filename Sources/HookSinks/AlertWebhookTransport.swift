import HookConfig
import HookHTTPClient
import HookEntraAuth
import HookRetry
import HookRecords
import Logging
import Synchronization

/// `type: alert-webhook`: one compact message per alert record (types 28, 40, 41, 47 by default) to a Teams
/// Workflows, Slack or generic JSON webhook, within a per-minute budget.
///
/// When a send holds more alerts than the budget has left, it posts (left − 1) messages and one summary
/// ("N more alerts: 30 × ThreatIntelligence, …") for the rest, so nothing is silently dropped; with no budget
/// left it fails retryable until the window reopens. Records of other types are accepted without a post.
/// Alerts already posted are remembered (the last 4,096 ids), so a retried send does not post them twice.
/// The URL is a secret (Slack and Teams embed their credential in it) and never appears in logs or errors.
public final class AlertWebhookTransport: BatchTransport {
    /// The sink's configured name.
    public let name: String
    /// Coalescing bounds for one send.
    public let limits: BatchLimits
    let config: AlertWebhookSinkConfig
    let alertTypes: Set<Int>
    let http: HTTPClient
    let logger: Logger
    private let state: Mutex<State>

    struct State {
        var window: AlertRateWindow
        var posted = RecentRecordIDs<String>(capacity: 4_096)
    }

    /// Creates the transport. Alerts are rare, so the default limits favour latency over batching.
    public init(name: String, config: AlertWebhookSinkConfig, http: HTTPClient, logger: Logger,
                limits: BatchLimits = BatchLimits(maxRecords: 1_000, maxBytes: 4 << 20, linger: .milliseconds(200))) {
        self.name = name
        self.limits = limits
        self.config = config
        self.alertTypes = Set(config.recordTypes)
        self.http = http
        self.logger = logger
        self.state = Mutex(State(window: AlertRateWindow(ratePerMinute: config.ratePerMinute)))
    }

    /// Posts a message per alert record in `batches` (or messages plus one summary past the budget).
    public func send(_ batches: [RecordBatch]) async throws(TransportError) {
        let candidates = batches.flatMap { batch in
            batch.records.lazy.filter { $0.recordType.map(self.alertTypes.contains) ?? false }.map { (record: $0, source: batch.source) }
        }
        let alerts = self.state.withLock { state in candidates.filter { $0.record.id.map { !state.posted.contains($0) } ?? true } }
        guard !alerts.isEmpty else { return }
        let grant = self.state.withLock { $0.window.reserve(alerts.count, now: .now) }
        let granted: Int
        switch grant {
        case .exhausted(let reopensIn):
            throw .retryable("alert webhook budget of \(self.config.ratePerMinute) messages per minute is used up",
                             retryAfter: reopensIn)
        case .posts(let count):
            granted = count
        }
        // All fit, or (granted - 1) individual messages and one summary for the rest.
        let individual = granted >= alerts.count ? alerts.count : granted - 1
        var made = 0
        do {
            for alert in alerts.prefix(individual) {
                let body = AlertMessage.alert(AlertDetails(alert.record), record: alert.record, source: alert.source,
                                              format: self.config.format)
                try await self.post(body)
                made += 1
                self.state.withLock { state in alert.record.id.map { state.posted.insert($0) } }
            }
            if individual < alerts.count {
                let rest = alerts[individual...]
                try await self.post(AlertMessage.summary(Self.counts(rest.map(\.record)), ratePerMinute: self.config.ratePerMinute,
                                                         format: self.config.format))
                made += 1
                self.logger.warning("alert webhook rate limit reached, summarised alerts", metadata: [
                    "sink": "\(self.name)", "summarised": "\(rest.count)",
                ])
                self.state.withLock { state in
                    for alert in rest { alert.record.id.map { state.posted.insert($0) } }
                }
            }
        } catch {
            let unused = granted - made
            self.state.withLock { $0.window.refund(unused) }
            throw error
        }
    }

    /// Nothing to release: the HTTP client belongs to the caller.
    public func close() async {}

    /// Alerts per record type name, most frequent first (ties by name).
    static func counts(_ records: [SplitRecord]) -> [(typeName: String, count: Int)] {
        var counts: [String: Int] = [:]
        for record in records { counts[AlertDetails.typeName(record.recordType), default: 0] += 1 }
        return counts.map { (typeName: $0.key, count: $0.value) }
            .sorted { $0.count != $1.count ? $0.count > $1.count : $0.typeName < $1.typeName }
    }
}
