import Logging
import ServiceLifecycle
import UnixSignals

/// Runs a process's services until SIGTERM or SIGINT, then shuts them down gracefully.
///
/// The signals are trapped *before* `ready` is called (which prints the ready line harnesses wait
/// for): a signal sent right after that line would otherwise arrive before the service group has set
/// up its own handling and kill the process without a graceful stop.
public enum ServiceRunner {
    public static func run(_ services: [any Service], logger: Logger, ready: () -> Void) async throws {
        let signals = await UnixSignalsSequence(trapping: .sigterm, .sigint)
        ready()
        let group = ServiceGroup(configuration: .init(services: services.map { .init(service: $0) }, logger: logger))
        try await withThrowingTaskGroup(of: Void.self) { tasks in
            tasks.addTask { try await group.run() }
            tasks.addTask {
                for await signal in signals {
                    logger.info("shutting down gracefully", metadata: ["signal": "\(signal)"])
                    await group.triggerGracefulShutdown()
                    return
                }
            }
            try await tasks.next()  // the service group finished
            tasks.cancelAll()
        }
    }
}
