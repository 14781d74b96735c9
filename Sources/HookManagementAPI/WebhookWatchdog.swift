import Foundation
import HookMetrics
import Logging
import ServiceLifecycle

/// A `serve` service that keeps the webhook registered: every `interval` it lists each tenant's
/// subscriptions and re-registers any whose webhook is disabled, expired, missing or pointing elsewhere
/// (or whose subscription is disabled or missing), as soon as the start guard allows.
public final class WebhookWatchdog: Service {
    /// One tenant to watch: its client and the content types it should be subscribed to.
    public struct Target: Sendable {
        /// The tenant's API client.
        public let client: ManagementAPIClient
        /// Content types (exact API strings).
        public let contentTypes: [String]

        /// Creates a target.
        public init(client: ManagementAPIClient, contentTypes: [String]) {
            self.client = client
            self.contentTypes = contentTypes
        }
    }

    private let targets: [Target]
    private let registrar: SubscriptionRegistrar
    private let interval: Duration
    private let logger: Logger
    private let reregistrations: Counter
    private let checks: Counter
    private let serving: Gauge

    /// Creates the watchdog; its counters go into `registry` (served on `/metrics`).
    public init(targets: [Target], registrar: SubscriptionRegistrar, interval: Duration, registry: MetricsRegistry, logger: Logger) {
        self.targets = targets
        self.registrar = registrar
        self.interval = interval
        self.logger = logger
        self.reregistrations = registry.counter(
            "activityhook_webhook_reregistrations_total",
            help: "Webhooks the watchdog found not serving, by tenant, content type and outcome (started, deferred, failed).")
        self.checks = registry.counter("activityhook_webhook_checks_total", help: "Watchdog checks by result (ok, error).")
        self.serving = registry.gauge("activityhook_webhook_serving",
                                      help: "1 when the last check found the webhook enabled (or re-enabled it), 0 when it is disabled, expired or missing and re-registration was deferred or failed; by tenant and content type.")
    }

    /// Checks every `interval` until graceful shutdown; the first check waits one interval, so the
    /// receiver is surely up to answer Microsoft's validation request.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                try await Task.sleep(for: self.interval)
                _ = await self.checkOnce()
            }
        }
    }

    /// One pass over every tenant × content type; returns what was found and done.
    public func checkOnce() async -> [RegistrationResult] {
        var results: [RegistrationResult] = []
        for target in self.targets {
            let tenant = target.client.settings.tenantId
            let listed: [Subscription]
            do {
                listed = try await target.client.list()
                self.checks.increment(["result": "ok"])
            } catch {
                self.checks.increment(["result": "error"])
                self.logger.error("watchdog cannot list subscriptions", metadata: ["tenant": "\(tenant)", "error": "\(error)"])
                continue
            }
            for type in target.contentTypes {
                let current = listed.first { $0.contentType.lowercased() == type.lowercased() }
                let result = await self.registrar.ensure(type, current: current, client: target.client)
                results.append(result)
                self.report(result)
            }
        }
        return results
    }

    private func report(_ result: RegistrationResult) {
        let up: Bool = switch result.action {
        case .none, .started, .alreadyEnabled: true
        case .deferred, .failed: false
        }
        self.serving.set(up ? 1 : 0, ["tenant": result.tenantId, "content_type": result.contentType])
        guard result.action != .none else { return }
        let metadata: Logger.Metadata = [
            "tenant": "\(result.tenantId)", "content_type": "\(result.contentType)", "action": "\(result.action.rawValue)",
            "webhook_status": "\(result.webhookStatus)",
        ]
        let outcome: String
        switch result.action {
        case .started, .alreadyEnabled:
            outcome = "started"
            self.logger.warning("webhook was not serving; re-registered", metadata: metadata)
        case .deferred:
            outcome = "deferred"
            self.logger.warning("webhook is not serving; re-registration waits for the start guard",
                                metadata: metadata.merging(["retry_at": "\(result.retryAt.map { "\($0)" } ?? "?")"]) { $1 })
        case .failed, .none:
            outcome = "failed"
            self.logger.error("webhook is not serving and re-registration failed",
                              metadata: metadata.merging(["error": "\(result.error.map { "\($0)" } ?? "?")"]) { $1 })
        }
        self.reregistrations.increment(["tenant": result.tenantId, "content_type": result.contentType, "outcome": outcome])
    }
}
