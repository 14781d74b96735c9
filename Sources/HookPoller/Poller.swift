import Foundation
import HookLedger
import HookManagementAPI
import HookMetrics
import Logging
import ServiceLifecycle

/// The catch-up poller of `serve` (issue 7 §1): every `interval` it polls each tenant × content type,
/// each at its own fixed offset in the interval (``PollSchedule``), so tenants do not hit Microsoft at once.
public final class Poller: Service {
    /// One tenant's lister (its shared API client) and its content types.
    public struct Target: Sendable {
        /// The tenant's lister.
        public let lister: any ContentLister
        /// The content types to poll.
        public let contentTypes: [String]

        /// Creates a target.
        public init(lister: any ContentLister, contentTypes: [String]) {
            self.lister = lister
            self.contentTypes = contentTypes
        }
    }

    /// The result of one tenant × content type's poll in a cycle.
    public struct Outcome: Sendable {
        /// Tenant id.
        public var tenantId: String
        /// Content type.
        public var contentType: String
        /// The report, or the error that stopped the poll.
        public var result: Result<PollReport, any Error>
    }

    private let runner: PollRunner
    private let schedule: PollSchedule
    private let clock: any PollClock
    private let metrics: PollerMetrics
    private let logger: Logger
    private let onResubscribe: @Sendable (_ tenantId: String, _ contentType: String) async -> Void

    /// Creates the poller. `onResubscribe` is called for AF20022/AF20023 (missing or disabled subscription).
    public init(targets: [Target], runner: PollRunner, interval: Duration, clock: any PollClock = SystemPollClock(),
                registry: MetricsRegistry, completeness: (any CompletenessSource)?, logger: Logger,
                onResubscribe: @escaping @Sendable (_ tenantId: String, _ contentType: String) async -> Void = { _, _ in }) {
        self.runner = runner
        self.schedule = PollSchedule(targets: targets, interval: interval)
        self.clock = clock
        self.metrics = PollerMetrics(registry: registry, completeness: completeness)
        self.logger = logger
        self.onResubscribe = onResubscribe
    }

    /// Polls every interval until graceful shutdown.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled { _ = try await self.runCycle() }
        }
    }

    /// One interval: every tenant × content type once, at its offset from the cycle's start, then waits
    /// for the interval's end. Errors are logged and counted; they never stop the poller.
    public func runCycle() async throws -> [Outcome] {
        let cycleStart = self.clock.now()
        var outcomes: [Outcome] = []
        for slot in self.schedule.slots {
            try await self.clock.sleep(until: cycleStart.addingTimeInterval(slot.offset))
            outcomes.append(await self.pollOne(slot.target.lister, contentType: slot.contentType))
        }
        await self.metrics.refreshCompleteness(logger: self.logger)
        try await self.clock.sleep(until: cycleStart.addingTimeInterval(self.schedule.intervalSeconds))
        return outcomes
    }

    private func pollOne(_ lister: any ContentLister, contentType: String) async -> Outcome {
        let tenant = lister.tenantId
        let result: Result<PollReport, any Error>
        do {
            let report = try await self.runner.poll(lister, contentType: contentType, localNow: self.clock.now())
            self.metrics.record(report, tenant: tenant, contentType: contentType)
            if report.newBlobs > 0 {
                // New blobs from a listing are webhook gaps (or late notifications): worth a line each time.
                self.logger.info("poll listed new blobs", metadata: [
                    "tenant": "\(tenant)", "contentType": "\(contentType)", "new": "\(report.newBlobs)",
                    "known": "\(report.knownBlobs)", "pages": "\(report.pages)"])
            }
            result = .success(report)
        } catch {
            result = .failure(error)
            let resubscribe = (error as? ManagementAPIError)?.errorClass == .resubscribe
            self.metrics.failed(tenant: tenant, contentType: contentType, resubscribe: resubscribe)
            self.logger.error("poll failed; the watermark stays at the last complete window", metadata: [
                "tenant": "\(tenant)", "contentType": "\(contentType)", "error": "\(error)"])
            if resubscribe { await self.onResubscribe(tenant, contentType) }
        }
        return Outcome(tenantId: tenant, contentType: contentType, result: result)
    }
}
