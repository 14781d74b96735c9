import Foundation
import HookConfig
import HookLedger
import HookManagementAPI
import HookSinks
import HookSpool
import Logging
import ServiceLifecycle
import Synchronization

/// The fetch-and-forward workers of `serve` (issue 6 §1): up to `concurrency` blobs in flight, each
/// processed by a ``BlobProcessor``.
///
/// Leasing: a lease lasts ``ForwardingPolicy/leaseDuration`` (5 minutes) and the processor renews it every
/// third of that while the blob is in flight, so a 100 MB blob or a slow sink never loses its lease, while a
/// crashed process's blobs return to the queue within 5 minutes. When nothing is due the pool waits on the
/// ``WorkSignal`` (rung by the receiver and the poller) for at most `idleWait`, which also picks up retries
/// whose time came. Record claims older than `claimRetention` are pruned every `pruneInterval`.
///
/// Graceful shutdown stops leasing, lets the blobs in flight finish for `shutdownGrace`, then cancels the
/// rest, which release their leases without counting the attempt.
public final class WorkerPool: Service {
    /// Pacing of the pool itself.
    public struct Settings: Sendable {
        /// Blobs in flight (`workers.concurrency`).
        public var concurrency: Int
        /// Longest wait for the work signal before looking at the ledger again.
        public var idleWait: Duration
        /// How long blobs in flight may run on after a graceful shutdown began.
        public var shutdownGrace: Duration
        /// Time between prunes of the record claims.
        public var pruneInterval: TimeInterval
        /// Age after which a record claim is pruned: the 7-day content window plus a margin.
        public var claimRetention: TimeInterval
        /// Content types leased first within each tenant (`workers.priority`).
        public var priority: [String]

        /// Creates settings; `concurrency` comes from `workers.concurrency`.
        public init(concurrency: Int = 8, idleWait: Duration = .seconds(2), shutdownGrace: Duration = .seconds(20),
                    pruneInterval: TimeInterval = 3_600, claimRetention: TimeInterval = RecordClaimRules.defaultRetention,
                    priority: [String] = WorkersConfig.defaultPriority.map(\.rawValue)) {
            self.concurrency = max(1, concurrency)
            self.idleWait = idleWait
            self.shutdownGrace = shutdownGrace
            self.pruneInterval = pruneInterval
            self.claimRetention = claimRetention
            self.priority = priority
        }
    }

    let ledger: any Ledger
    let processor: BlobProcessor
    let settings: Settings
    let signal: WorkSignal
    let clock: any WorkerClock
    let logger: Logger
    private let stopping = Mutex(false)
    var stoppingFlag: Bool { self.stopping.withLock { $0 } }
    /// True while leasing is paused because the spool is full.
    let paused = Mutex(false)
    /// Whether fetching is paused because the spool is full (`activityhook_spool_fetch_paused`).
    public var fetchPaused: Bool { self.paused.withLock { $0 } }
    /// When the pool's loop last went round (it does at least every `idleWait`); nil before it started.
    /// systemd's watchdog pings only while this is recent (docs/systemd.md).
    let turned = Mutex<Date?>(nil)
    /// When the pool's loop last went round, if it has started and not yet stopped.
    public var lastTurn: Date? { self.turned.withLock { $0 } }
    /// true when fetching pauses for a full spool, false when it resumes (observers, tests). Bounded.
    public let pauseEvents: AsyncStream<Bool>
    let pauseContinuation: AsyncStream<Bool>.Continuation
    /// Every finished blob with its outcome, for observers (tests, tools). Bounded: with nobody reading, only
    /// the newest 4,096 are kept. Finishes when the pool stops.
    public let outcomes: AsyncStream<FinishedBlob>
    let outcomeContinuation: AsyncStream<FinishedBlob>.Continuation

    /// Creates a pool from parts (tests inject the fetcher, the clock and short settings).
    public init(processor: BlobProcessor, settings: Settings, signal: WorkSignal = WorkSignal()) {
        (self.outcomes, self.outcomeContinuation) = AsyncStream.makeStream(of: FinishedBlob.self, bufferingPolicy: .bufferingNewest(4096))
        (self.pauseEvents, self.pauseContinuation) = AsyncStream.makeStream(of: Bool.self, bufferingPolicy: .bufferingNewest(64))
        self.ledger = processor.ledger
        self.processor = processor
        self.settings = settings
        self.signal = signal
        self.clock = processor.clock
        self.logger = processor.logger
    }

    /// The pool `serve` runs: blobs fetched with each tenant's API client and spooled for `sinks`.
    /// `workers.concurrency` blobs in flight; `workers.maxAttempts` is the error-logging threshold
    /// (see ``HookConfig/WorkersConfig/maxAttempts``). Ring `signal` after recording new blobs.
    public convenience init(sinks: [any Sink], ledger: any Ledger, clients: [ManagementAPIClient], spool: Spool, workers: WorkersConfig,
                            metrics: ForwarderMetrics, logger: Logger, signal: WorkSignal = WorkSignal(),
                            shutdownGrace: Duration = .seconds(20)) {
        let processor = BlobProcessor(ledger: ledger, fetcher: ManagementAPIBlobFetcher(clients: clients), spool: spool, sinks: sinks,
                                      metrics: metrics, policy: ForwardingPolicy(workers: workers), logger: logger)
        self.init(processor: processor, settings: Settings(concurrency: workers.concurrency, shutdownGrace: shutdownGrace,
                                                           priority: workers.priority.map(\.rawValue)), signal: signal)
    }

    /// Re-reads the ledger gauges (`activityhook_blobs`, `activityhook_sink_backlog_blobs`); call it at
    /// scrape time. Errors are logged; the gauges keep their last values.
    public func refreshGauges() async {
        do {
            try await self.processor.metrics.refresh(from: self.ledger, sinks: self.processor.sinks.map(\.name), now: self.clock.now())
        } catch {
            self.logger.warning("cannot read the ledger for the forwarder gauges", metadata: ["error": "\(error)"])
        }
    }

    /// Begins a graceful stop: no more leases; blobs in flight get `shutdownGrace` to finish.
    public func beginShutdown() {
        self.stopping.withLock { $0 = true }
        self.signal.ring()
    }

    /// Runs until graceful shutdown (ServiceLifecycle) or ``beginShutdown()``, then drains as described above.
    public func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            self.beginShutdown()
        }
    }
}
