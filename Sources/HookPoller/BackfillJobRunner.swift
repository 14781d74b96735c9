import Foundation
import HookLedger
import HookManagementAPI
import Logging
import ServiceLifecycle

/// Runs the backfill jobs that `activityhook backfill` records in the ledger, inside `serve`, so that their
/// listings draw from the same per-tenant request budget as the poller and the workers (docs/request-budget.md).
///
/// One job at a time, oldest first; each tenant × content type of the job through the poller's own listing
/// path (``PollRunner/backfill(_:contentType:windows:localNow:progress:)``). Progress is written to the ledger
/// after every window; the job's blobs are then forwarded by the workers like any other.
public final class BackfillJobRunner: Service {
    /// How often the ledger is asked for a new job when none is running (one indexed read).
    public static let checkInterval: Duration = .seconds(1)

    private let jobs: any BackfillJobStore
    private let runner: PollRunner
    private let targets: [Poller.Target]
    private let clock: any PollClock
    private let interval: Duration
    private let logger: Logger

    /// Creates the runner over the poller's targets (one lister per tenant and its content types).
    public init(jobs: any BackfillJobStore, runner: PollRunner, targets: [Poller.Target], clock: any PollClock = SystemPollClock(),
                checkInterval: Duration = BackfillJobRunner.checkInterval, logger: Logger) {
        self.jobs = jobs
        self.runner = runner
        self.targets = targets
        self.clock = clock
        self.interval = checkInterval
        self.logger = logger
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                if try await self.runNext() == nil { try await Task.sleep(for: self.interval) }
            }
        }
    }

    /// Claims and runs the oldest queued job; returns its id, or nil when there was none. A ledger error is
    /// logged and ends this attempt (the loop asks again after the check interval).
    @discardableResult
    public func runNext() async throws -> Int64? {
        let job: BackfillJob
        do {
            guard let claimed = try await self.jobs.claimBackfillJob(now: self.clock.now()) else { return nil }
            job = claimed
        } catch {
            self.logger.error("cannot read the backfill jobs", metadata: ["error": "\(error)"])
            return nil
        }
        self.logger.info("backfill job started", metadata: ["job": "\(job.id)", "since": "\(job.request.since.ISO8601Format())"])
        let error: String?
        do {
            error = try await self.run(job)
        } catch {
            // Shutdown: the job stays running, and the next serve queues it again (requeueRunningBackfillJobs).
            self.logger.info("backfill job interrupted by shutdown; the next serve runs it again", metadata: ["job": "\(job.id)"])
            throw error
        }
        do {
            try await self.jobs.finishBackfillJob(jobId: job.id, error: error, now: self.clock.now())
        } catch {
            self.logger.error("cannot record the end of a backfill job", metadata: ["job": "\(job.id)", "error": "\(error)"])
        }
        if let error {
            self.logger.error("backfill job failed", metadata: ["job": "\(job.id)", "error": "\(error)"])
        } else {
            self.logger.info("backfill job listed; its blobs are forwarded by the workers", metadata: ["job": "\(job.id)"])
        }
        return job.id
    }

    /// Plans every tenant × content type of the job, then lists them; returns the errors, or nil. Throws
    /// only `CancellationError`, when shutdown interrupted the job.
    private func run(_ job: BackfillJob) async throws -> String? {
        let planner = WindowPlanner(overlap: 0, initialLookback: 0)
        var plans: [(lister: any ContentLister, contentType: String, windows: [PollWindow])] = []
        var errors: [String] = []
        for target in self.targets where job.request.tenantId.map({ $0 == target.lister.tenantId.lowercased() }) ?? true {
            for type in target.contentTypes where job.request.contentType.map({ $0.lowercased() == type.lowercased() }) ?? true {
                let serverNow = self.clock.now().addingTimeInterval(target.lister.skewSeconds)
                do {
                    let windows = try planner.backfillWindows(since: job.request.since, until: job.request.until, serverNow: serverNow)
                    plans.append((target.lister, type, windows))
                } catch {
                    errors.append("\(target.lister.tenantId) \(type): \(error)")
                }
            }
        }
        if plans.isEmpty, errors.isEmpty { errors.append("no configured tenant and content type matches the job") }
        do {
            try await self.jobs.setBackfillWindows(jobId: job.id, total: plans.reduce(0) { $0 + $1.windows.count })
        } catch {
            return "\(error)"
        }
        for plan in plans {
            do {
                _ = try await self.runner.backfill(plan.lister, contentType: plan.contentType, windows: plan.windows,
                                                   localNow: { [clock] in clock.now() }) { _, notices in
                    try await self.jobs.addBackfillWindow(jobId: job.id, tenantId: plan.lister.tenantId,
                                                          contentIds: notices.map(\.contentId))
                }
            } catch {
                if Task.isCancelled { throw CancellationError() }
                errors.append("\(plan.lister.tenantId) \(plan.contentType): \(error)")
            }
        }
        return errors.isEmpty ? nil : errors.joined(separator: "; ")
    }
}
