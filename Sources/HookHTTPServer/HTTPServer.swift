import Logging
import ServiceLifecycle

/// An HTTP/1.1 server on libmicrohttpd, run as a service with graceful shutdown.
///
/// `start()` binds the port (so tests can bind port 0 and read `port`), `run()` serves the async
/// handlers' work as child tasks until shutdown, then drains: it stops accepting, lets in-flight
/// requests finish (up to `shutdownGraceSeconds`), and stops the daemon.
public final class HTTPServer: Service, Sendable {
    public let configuration: HTTPServerConfiguration
    private let core: ServerCore
    private let daemon: MHDDaemon
    private let logger: Logger
    /// Finished by `shutdown()`; the drain child task of `run()` waits on it.
    private let shutdownRequested = AsyncStream.makeStream(of: Void.self)

    /// Binds the listening socket and starts libmicrohttpd's threads.
    public init(configuration: HTTPServerConfiguration, handler: any HTTPHandler, logger: Logger) throws {
        self.configuration = configuration
        self.logger = logger
        let deadlines = configuration.headerTimeout == nil && configuration.bodyTimeout == nil ? nil : ConnectionDeadlines(
            header: configuration.headerTimeout ?? .seconds(86_400), body: configuration.bodyTimeout ?? .seconds(86_400),
            idle: .seconds(max(1, configuration.connectionTimeoutSeconds)))
        self.core = ServerCore(
            handler: handler, isTLS: configuration.tls != nil,
            requireClientCertificate: configuration.tls?.clientCAPEM != nil,
            clientName: configuration.tls?.clientName, deadlines: deadlines)
        do {
            self.daemon = try MHDDaemon(configuration: configuration, core: self.core)
        } catch {
            deadlines?.stop()  // its thread would otherwise outlive the server that never started
            throw error
        }
        logger.info("http server listening", metadata: [
            "http.host": "\(configuration.host)", "http.port": "\(self.daemon.port)",
            "http.tls": "\(configuration.tls != nil)", "http.threads": "\(configuration.threads)",
        ])
    }

    /// The bound port (the real one when configured with port 0).
    public var port: UInt16 { self.daemon.port }

    /// Requests whose handling has started and not yet completed.
    public var inFlightRequests: Int { self.core.inFlight }

    /// Serves until graceful shutdown (service-lifecycle) or `shutdown()`, then drains and stops.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await withDiscardingTaskGroup { group in
                // The drain is a child of run() too: it waits for shutdown(), then for in-flight requests
                // (at most the grace period), then ends the job stream, which ends this loop.
                group.addTask { await self.drainAfterShutdown() }
                for await job in self.core.jobs {
                    group.addTask {
                        let response = await job.work()
                        self.core.finishDeferred(job.context, response)
                    }
                }
            }
        } onGracefulShutdown: {
            self.shutdown()
        }
        // The job stream has finished: every async job ran and resumed its connection. Deferred answers
        // still missing after the grace period get 503, so no connection is suspended at MHD_stop_daemon.
        self.core.abandonSuspended()
        self.daemon.stop()
        self.logger.info("http server stopped", metadata: ["http.port": "\(self.port)"])
    }

    /// Makes the coming graceful stop keep the listening socket open for a replacing process: connections
    /// that arrive meanwhile wait in the kernel's backlog. ``handedOverSocket`` is its descriptor once
    /// `run()` has returned.
    public func keepListenerForHandOver() { self.daemon.keepListener = true }

    /// The listening socket kept by ``keepListenerForHandOver()``, once `run()` has returned.
    public var handedOverSocket: Int32? { self.daemon.handedOver }

    /// Begins a graceful stop: no new connections; in-flight requests finish; `run()` then returns.
    public func shutdown() {
        guard self.core.beginDraining() else { return }
        self.daemon.quiesce()
        self.logger.info("http server draining", metadata: ["http.inFlight": "\(self.core.inFlight)"])
        self.shutdownRequested.continuation.finish()
    }

    private func drainAfterShutdown() async {
        for await _ in self.shutdownRequested.stream {}
        let core = self.core
        let grace = self.configuration.shutdownGraceSeconds
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await core.waitUntilIdle() }
            group.addTask {
                try? await Task.sleep(for: .seconds(grace))
                core.abandonWaiting()
            }
            await group.next()
            group.cancelAll()
        }
        core.finishJobs()
    }
}
