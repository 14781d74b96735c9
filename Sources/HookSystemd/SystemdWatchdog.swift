import Logging
import ServiceLifecycle

/// Pings systemd's watchdog (`WATCHDOG=1`) every half `WATCHDOG_USEC`, but only after `check` found the
/// service working: a hung ledger or a stuck worker loop stops the pings, and systemd restarts the unit
/// after `WatchdogSec=` (docs/systemd.md).
///
/// Each check is bounded by the ping interval: a check that does not answer in time counts as failed, and
/// is not waited for again before the next round.
public struct SystemdWatchdog: Service {
    /// nil when healthy, else the reason it is not.
    public typealias Check = @Sendable () async -> String?

    let notifier: SystemdNotifier
    let interval: Duration
    let check: Check
    let logger: Logger

    /// `watchdog` is the `WATCHDOG_USEC` interval; pings go out at half of it.
    public init(notifier: SystemdNotifier, watchdog: Duration, logger: Logger, check: @escaping Check) {
        self.notifier = notifier
        self.interval = max(.milliseconds(50), watchdog / 2)
        self.check = check
        self.logger = logger
    }

    public func run() async throws {
        var failing = false
        while !Task.isCancelled && !Task.isShuttingDownGracefully {
            let reason = await Self.bounded(self.interval, self.check)
            if let reason {
                if !failing {
                    self.logger.error("health check failed: not pinging systemd's watchdog", metadata: ["reason": "\(reason)"])
                }
                failing = true
                self.notifier.status("unhealthy: \(reason)")
            } else {
                if failing { self.logger.notice("health check passes again: pinging systemd's watchdog") }
                failing = false
                self.notifier.watchdog()
            }
            // Returns at once on a graceful shutdown or cancellation.
            try? await cancelWhenGracefulShutdown { try await Task.sleep(for: self.interval) }
        }
    }

    /// The check's answer, or a timeout reason when it takes longer than `limit`.
    public static func bounded(_ limit: Duration, _ check: @escaping Check) async -> String? {
        await withTaskGroup(of: String??.self) { group in
            group.addTask { .some(await check()) }
            group.addTask {
                try? await Task.sleep(for: limit)
                return .none
            }
            let first = await group.next() ?? .none
            group.cancelAll()
            return first ?? "the health check did not answer within \(limit)"
        }
    }
}

