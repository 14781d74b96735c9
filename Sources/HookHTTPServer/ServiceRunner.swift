import Dispatch
import Foundation
import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a process's services until SIGTERM or SIGINT, then shuts them down gracefully.
///
/// The signals are trapped *before* `ready` is called (which prints the ready line harnesses wait
/// for): a signal sent right after that line would otherwise arrive before the service group has set
/// up its own handling and kill the process without a graceful stop.
///
/// With a `shutdownTimeout`, the shutdown is bounded: if the process has not exited that long after the
/// signal (a service that ignores cancellation, a sink that never flushes), it logs and exits with
/// ``forcedExitCode``. The timer runs on a Dispatch queue, not on the cooperative pool, so it fires even
/// when every pool thread is stuck.
public enum ServiceRunner {
    /// The exit status of a shutdown cut short by its timeout.
    public static let forcedExitCode: Int32 = 70

    /// `stopping` runs when a shutdown signal arrives (systemd's `STOPPING=1`). With `reload`, SIGHUP is
    /// trapped too and runs it, one reload at a time, instead of ending the process; when it returns true the
    /// services stop gracefully (bounded like a shutdown) so that the caller can replace the process.
    public static func run(_ services: [any Service], logger: Logger, shutdownTimeout: Duration? = nil,
                           stopping: @escaping @Sendable () -> Void = {},
                           reload: (@Sendable () async -> Bool)? = nil,
                           ready: () -> Void) async throws {
        let signals = reload == nil ? await UnixSignalsSequence(trapping: .sigterm, .sigint)
                                    : await UnixSignalsSequence(trapping: .sigterm, .sigint, .sighup)
        ready()
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        // The signal task never ends on its own: if it returned after triggering the shutdown, the group below
        // would be cancelled at once and every service cut short instead of stopped in order.
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                var armed = false
                for await signal in signals {
                    if signal == .sighup, let reload {
                        // SIGHUPs sent during a reload are queued by the sequence; none runs once stopping.
                        if !armed, await reload() {
                            logger.info("stopping gracefully to restart in place with the new configuration")
                            if let shutdownTimeout { Self.armDeadline(shutdownTimeout, logger: logger) }
                            armed = true
                            await group.triggerGracefulShutdown()
                        }
                        continue
                    }
                    if !armed { stopping() }
                    logger.info("shutting down gracefully", metadata: ["signal": "\(signal)"])
                    if let shutdownTimeout, !armed { Self.armDeadline(shutdownTimeout, logger: logger) }
                    armed = true
                    await group.triggerGracefulShutdown()
                }
                try await Task.sleep(for: .seconds(86_400 * 365))  // the sequence ended: wait to be cancelled
            }
            try await tasks.next()  // the service group finished
            tasks.cancelAll()
        }
    }

    private static func armDeadline(_ timeout: Duration, logger: Logger) {
        // At most a day: a bound, not an overflow, for any value given.
        let (seconds, attoseconds) = timeout.components
        let milliseconds = Int(max(0, min(seconds, 86_400))) * 1_000 + Int(attoseconds / 1_000_000_000_000_000)
        DispatchQueue.global().asyncAfter(deadline: .now() + .milliseconds(milliseconds)) {
            logger.critical("shutdown timeout exceeded; exiting without finishing the shutdown",
                            metadata: ["timeout": "\(timeout)"])
            exit(Self.forcedExitCode)
        }
    }
}
