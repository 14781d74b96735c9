import ArgumentParser
import Foundation
import HookConfig
import HookEntraAuth
import HookForwarder
import HookHTTPClient
import HookHTTPServer
import HookLedger
import HookManagementAPI
import HookPoller
import HookReceiver
import HookSinks
import HookSpool
import HookSystemd
import Logging
import ServiceLifecycle

/// `activityhook serve`: runs the receiver, the fetch-and-forward workers, the poller and the webhook
/// watchdog until SIGTERM or SIGINT, then shuts down gracefully.
struct Serve: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Run the webhook receiver, the workers, the poller and the watchdog until SIGTERM/SIGINT.",
        discussion: "Prints one line 'activityhook ready listen=HOST:PORT' to standard output once every listener is bound.")

    @OptionGroup var global: GlobalOptions

    @Option(help: "Seconds from SIGTERM/SIGINT to exit: blobs in flight get half of it to finish, then they are released; past it the process exits with status 70.")
    var shutdownTimeout: Double = 30

    /// The shutdown bound, at least a second, at most a day.
    private var shutdownBound: Duration { .milliseconds(Int((min(max(self.shutdownTimeout, 1), 86_400) * 1_000).rounded())) }

    @Option(help: "Seconds between webhook watchdog checks (re-registers a disabled, expired, missing or foreign webhook); 0 turns it off.")
    var watchdogInterval: Int = 300

    @Option(help: ArgumentHelp("Minimum seconds between two /start calls per tenant × content type.", visibility: .hidden))
    var startInterval: Int = 900

    @Flag(inversion: .prefixedNo, help: "Run the catch-up poller (every poller.interval, lists what the webhook missed).")
    var poller = true

    @Flag(inversion: .prefixedNo, help: "Run the fetch-and-forward workers (workers.concurrency blobs at a time, to every sink).")
    var workers = true

    /// Listening sockets handed over by the process this one replaced (a SIGHUP reload, docs/systemd.md).
    @Option(help: .hidden)
    var listenFds: String?

    /// Set by a reload's exec: this process applies a reloaded configuration.
    @Flag(help: .hidden)
    var reloaded = false

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
        let lock: ServeLock
        do {
            lock = try ServeLock(statePath: loaded.config.state.path)
            ledger = try await SQLiteLedger.open(path: loaded.config.state.path, backgroundCheckpoints: true, separateReader: true,
                                            maxPendingPerContentType: loaded.config.state.maxPendingPerContentType)
            // Holding the lock, no other worker is alive: leases still in the ledger are a crashed run's.
            let orphaned = try await ledger.releaseOrphanedLeases()
            if orphaned > 0 {
                logger.warning("returned blobs leased by a previous run that did not stop cleanly", metadata: ["blobs": "\(orphaned)"])
            }
            let interrupted = try await ledger.requeueRunningBackfillJobs()
            if interrupted > 0 {
                logger.warning("queued again the backfill jobs a previous run did not finish", metadata: ["jobs": "\(interrupted)"])
            }
            let inherited = (self.listenFds ?? "").split(separator: ",").compactMap { Int32($0) }
            built = try ReceiverServices.make(config: loaded.config, ledger: ledger, logger: logger, listenFDs: inherited)
        } catch {
            logger.critical("cannot start", metadata: ["error": "\(error)"])
            throw ExitCode(1)
        }
        built.health.set(ready: true)
        // Shutdown runs in reverse order: the HTTP servers drain first, then the ledger checkpoints and closes.
        var services: [any Service] = [LedgerService(
            ledger: ledger, logger: logger, doneRetention: loaded.config.state.doneRetention.seconds)] + built.servers
        var apiHTTP: HTTPClient?
        do {
            apiHTTP = try HTTPClient(configuration: .outbound(loaded.config.api, extraCAFile: loaded.config.api.caFile))
        } catch {
            logger.error("webhook watchdog disabled: cannot create the API client", metadata: ["error": "\(error)"])
        }
        defer { apiHTTP?.shutdown() }
        var sinks: [any Sink] = []
        var spool: Spool?
        var pool: WorkerPool?
        if let apiHTTP {
            // One client per tenant for the whole process: every caller shares its budget and token cache; the
            // budget itself is drawn from the ledger, shared with register/status/unregister (docs/request-budget.md).
            let clients = ManagementAPIClient.makeAll(config: loaded.config, http: apiHTTP, budgetStore: ledger)
            let registrar = self.registrar(loaded.config, ledger: ledger)
            if self.watchdogInterval > 0 {
                services.append(self.watchdog(loaded.config, clients: clients, registrar: registrar, metrics: built.metrics, logger: logger))
            }
            if self.poller {
                services.append(Self.poller(loaded.config, clients: clients, registrar: registrar, ledger: ledger,
                                            metrics: built.metrics, logger: logger))
            }
            // Backfill jobs are asked for explicitly (`activityhook backfill`), so they run even with --no-poller.
            services.append(Self.backfillJobs(loaded.config, clients: clients, ledger: ledger, logger: logger))
            if self.workers {
                do {
                    sinks = try SinkFactory.makeSinks(loaded.config.sinks, http: apiHTTP, metrics: built.metrics.registry,
                                                      logger: logger, config: loaded.config)
                } catch {
                    logger.critical("cannot start the sinks", metadata: ["error": "\(error)"])
                    throw ExitCode(1)
                }
                let config = loaded.config
                let spoolConfiguration = SpoolConfiguration(directory: config.spool.directory(statePath: config.state.path),
                                                            maxBytes: config.spool.maxBytes)
                let forwarding: Forwarding
                do {
                    forwarding = try await Forwarding.make(
                        sinks: sinks, ledger: ledger, spoolConfiguration: spoolConfiguration,
                        makePool: { spool in
                            WorkerPool(sinks: sinks, ledger: ledger, clients: clients, spool: spool, workers: config.workers,
                                       metrics: ForwarderMetrics(registry: built.metrics.registry), logger: logger,
                                       signal: ledger.newWork, shutdownGrace: self.shutdownBound / 2)
                        }, registry: built.metrics.registry, logger: logger)
                } catch {
                    logger.critical("cannot open the spool", metadata: ["error": "\(error)", "spool": "\(spoolConfiguration.directory)"])
                    throw ExitCode(1)
                }
                spool = forwarding.spool
                pool = forwarding.pool
                built.metrics.onScrape { await forwarding.refreshGauges() }
                // Last in the list, so first to stop: the pool stops fetching (in-flight blobs finish or are
                // released) while the ledger is still open, then each sink's loop ends its current delivery;
                // the sinks flush after every service has stopped.
                services += forwarding.services
            }
        }
        // systemd (docs/systemd.md): READY=1 after every listener is bound, STOPPING=1 on SIGTERM, and the
        // watchdog pinged only while the ledger answers and the worker loop goes round.
        let notifier = SystemdNotifier()
        if let watchdog = SystemdNotifier.watchdogInterval() {
            services.append(SystemdWatchdog(notifier: notifier, watchdog: watchdog, logger: logger) { [pool] in
                await Self.health(ledger: ledger, pool: pool)
            })
        }
        let reload = ConfigReload(path: self.global.configPath, running: loaded.config, registry: built.metrics.registry,
                                  notifier: notifier, logger: logger)
        if self.reloaded {
            reload.counter.increment(["result": "applied"])
            logger.notice("configuration reloaded and applied")
        }
        let replace = ReplaceRequest()
        let servers = built.servers
        let listen = built.servers.map { "\($0.configuration.host):\($0.port)" }
        try await ServiceRunner.run(services, logger: logger, shutdownTimeout: self.shutdownBound,
                                    stopping: { notifier.stopping() }, reload: {
            guard await reload.reload() == .reexec else { return false }
            for server in servers { server.keepListenerForHandOver() }
            replace.request()
            return true
        }) {
            print("activityhook ready listen=\(listen.joined(separator: ",")) path=\(loaded.config.server.path)")
            fflush(nil)
            notifier.ready(status: "serving on \(listen.joined(separator: ","))")
        }
        for sink in sinks { await sink.shutdown() }
        spool?.close()
        if replace.requested {
            apiHTTP?.shutdown()  // the ledger closed with LedgerService; the lock's descriptor closes on exec
            Self.replaceProcess(listeners: servers.compactMap(\.handedOverSocket), logger: logger)
        }
        withExtendedLifetime(lock) {}
        logger.info("activityhook stopped")
    }

    /// The subscription registrar shared by the watchdog and the poller, with the ledger's start guard.
    private func registrar(_ config: ActivityHookConfig, ledger: SQLiteLedger) -> SubscriptionRegistrar {
        let webhook = WebhookInfo(address: config.server.publicURL,
                                  authId: config.server.authId.isEmpty ? nil : config.server.authId.reveal())
        return SubscriptionRegistrar(webhook: webhook, guard: StartGuard(store: ledger, interval: .seconds(self.startInterval)),
                                     webhookLifetime: config.server.webhookExpiration)
    }

    /// The webhook watchdog over every configured tenant.
    private func watchdog(_ config: ActivityHookConfig, clients: [ManagementAPIClient], registrar: SubscriptionRegistrar,
                          metrics: ReceiverMetrics, logger: Logger) -> WebhookWatchdog {
        let targets = config.tenants.indices.map { index in
            WebhookWatchdog.Target(client: clients[index], contentTypes: config.tenants[index].contentTypes.map(\.rawValue))
        }
        return WebhookWatchdog(targets: targets, registrar: registrar, interval: .seconds(self.watchdogInterval),
                               registry: metrics.registry, logger: logger)
    }

    /// The catch-up poller: every `poller.interval`, each tenant × content type from its watermark; a missing
    /// or disabled subscription (AF20022/AF20023) goes to the registrar, under the start guard.
    private static func poller(_ config: ActivityHookConfig, clients: [ManagementAPIClient], registrar: SubscriptionRegistrar,
                               ledger: SQLiteLedger, metrics: ReceiverMetrics, logger: Logger) -> Poller {
        let targets = config.tenants.indices.map { index in
            Poller.Target(lister: clients[index], contentTypes: config.tenants[index].contentTypes.map(\.rawValue))
        }
        let planner = WindowPlanner(overlap: config.poller.overlap.seconds, initialLookback: config.poller.initialLookback.seconds)
        let byTenant = Dictionary(clients.map { ($0.settings.tenantId.lowercased(), $0) }) { first, _ in first }
        return Poller(targets: targets, runner: PollRunner(ledger: ledger, watermarks: ledger, planner: planner),
                      interval: config.poller.interval, registry: metrics.registry, completeness: ledger, logger: logger) { tenant, type in
            guard let client = byTenant[tenant.lowercased()] else { return }
            let result = await registrar.ensure(type, current: nil, client: client)
            logger.warning("poller found the subscription missing or disabled", metadata: [
                "tenant": "\(tenant)", "contentType": "\(type)", "action": "\(result.action.rawValue)"])
        }
    }
}

extension Serve {
    /// The watchdog's health check: nil when the ledger commits and the worker loop turned in the last minute.
    static func health(ledger: SQLiteLedger, pool: WorkerPool?) async -> String? {
        do {
            try await ledger.checkWritable()
        } catch {
            return "ledger is not writable: \(error)"
        }
        if let pool, let turned = pool.lastTurn, Date().timeIntervalSince(turned) > 60 {
            return "the worker loop has not turned for \(Int(Date().timeIntervalSince(turned))) s"
        }
        return nil
    }

    /// The runner of the backfill jobs `activityhook backfill` records, over the same clients (and budget).
    static func backfillJobs(_ config: ActivityHookConfig, clients: [ManagementAPIClient], ledger: SQLiteLedger,
                             logger: Logger) -> BackfillJobRunner {
        let targets = config.tenants.indices.map { index in
            Poller.Target(lister: clients[index], contentTypes: config.tenants[index].contentTypes.map(\.rawValue))
        }
        let runner = PollRunner(ledger: ledger, watermarks: ledger, planner: WindowPlanner(overlap: 0, initialLookback: 0))
        return BackfillJobRunner(jobs: ledger, runner: runner, targets: targets, logger: logger)
    }
}

extension Duration {
    /// The duration in seconds, for the poller's `TimeInterval` arithmetic on dates.
    fileprivate var seconds: TimeInterval {
        Double(self.components.seconds) + Double(self.components.attoseconds) / 1e18
    }
}
