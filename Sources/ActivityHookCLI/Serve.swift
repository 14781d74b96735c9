import ArgumentParser
import Foundation
import HookConfig
import HookHTTPServer
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
        let health = HealthEndpoint()
        let servers: [HTTPServer]
        do {
            servers = try ReceiverServices.make(config: loaded.config, health: health, logger: logger)
        } catch {
            logger.critical("cannot start the receiver", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        health.set(ready: true)
        let listen = servers.map { "\($0.configuration.host):\($0.port)" }
        print("activityhook ready listen=\(listen.joined(separator: ",")) path=\(loaded.config.server.path)")
        fflush(nil)
        let group = ServiceGroup(configuration: .init(
            services: servers.map { .init(service: $0) },
            gracefulShutdownSignals: [.sigterm, .sigint],
            logger: logger))
        try await group.run()
        logger.info("activityhook stopped")
    }
}
