import ArgumentParser
import Foundation
import HookConfig
import HookHTTPClient
import HookHTTPServer
import HookLedger
import HookReceiver
import Logging
import ServiceLifecycle

/// `activityhook serve`: runs the receiver (and, as later issues land, the workers and the poller)
/// until SIGTERM or SIGINT, then shuts down gracefully.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the webhook receiver until SIGTERM/SIGINT.",
        discussion: "Prints one line 'activityhook ready listen=HOST:PORT' to standard output once every listener is bound.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Seconds to wait for in-flight work on shutdown before exiting anyway.")
    var shutdownTimeout: Double = 30

    func run() async throws {
        let loaded = try self.global.loadConfig()
        let logger = LogSetup.bootstrap(self.global)
        for warning in loaded.warnings {
            logger.warning("configuration warning", metadata: ["config.key": "\(warning.keyPath)", "config.problem": "\(warning.message)"])
        }
        signal(SIGPIPE, SIG_IGN)
        ProcessAllocator.tuneForLargeBuffers()
        let ledger: SQLiteLedger
        let built: ReceiverServices.Built
        do {
            ledger = try await SQLiteLedger.open(path: loaded.config.state.path)
            built = try ReceiverServices.make(config: loaded.config, ledger: ledger, logger: logger)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        built.health.set(ready: true)
        // Shutdown runs in reverse order: the HTTP servers drain first, then the ledger checkpoints and closes.
        let services: [any Service] = [LedgerService(ledger: ledger, logger: logger)] + built.servers
        try await ServiceRunner.run(services, logger: logger) {
            let listen = built.servers.map { "\($0.configuration.host):\($0.port)" }
            print("activityhook ready listen=\(listen.joined(separator: ",")) path=\(loaded.config.server.path)")
            fflush(nil)
        }
        logger.info("activityhook stopped")
    }
}
