import Foundation
import HookLedger
import HookRecords
import HookSinks
import HookSpool
import Logging
import ServiceLifecycle
import Synchronization

/// One sink's delivery loop (issue 13 §2, docs/spool.md): reads the spool from the sink's durable cursor,
/// applies its filter, hands the records to the sink (its batching and transport), and advances the cursor
/// only after the destination accepted them.
///
/// A retryable failure is retried with back-off (and `Retry-After`) for as long as it takes; a permanent one
/// (401/403, a missing directory) shows in `status` and `/metrics` with the destination's message and is
/// retried every ``Settings/permanentRetry``. Records are never discarded: they wait in the spool. A loop
/// that has read everything waits on the spool's tail, so a new window reaches the alert sink as soon as
/// its append is durable, whatever any other sink is doing.
public final class SinkDeliveryLoop: Service {
    /// Pacing of one loop.
    public struct Settings: Sendable {
        /// Most entries read (and handed to the sink) per step.
        public var maxEntries: Int
        /// About the most bytes read per step.
        public var maxBytes: Int
        /// The first retry's wait after a retryable failure; it doubles up to `retryCap`.
        public var retryBase: Duration
        public var retryCap: Duration
        /// The wait between attempts while the destination refuses us for good.
        public var permanentRetry: Duration

        public init(maxEntries: Int = 5_000, maxBytes: Int = 4 << 20, retryBase: Duration = .seconds(1),
                    retryCap: Duration = .seconds(60), permanentRetry: Duration = .seconds(60)) {
            self.maxEntries = max(1, maxEntries)
            self.maxBytes = max(1, maxBytes)
            self.retryBase = retryBase
            self.retryCap = retryCap
            self.permanentRetry = permanentRetry
        }
    }

    public let sink: any Sink
    let spool: Spool
    let ledger: any Ledger
    let board: CursorBoard
    let metrics: DeliveryMetrics
    let settings: Settings
    let logger: Logger
    private let stopBell = WorkSignal()
    private let stopping = Mutex(false)
    /// When the oldest entry read but not yet accepted was appended (nil: caught up).
    private let oldestUnsent = Mutex<Date?>(nil)
    /// The newest delivery failure of the loop's task (read right after the delivery that set it).
    let lastFailure = Mutex<(any Error)?>(nil)

    public init(sink: any Sink, spool: Spool, ledger: any Ledger, board: CursorBoard, metrics: DeliveryMetrics,
                settings: Settings = Settings(), logger: Logger) {
        self.sink = sink
        self.spool = spool
        self.ledger = ledger
        self.board = board
        self.metrics = metrics
        self.settings = settings
        var logger = logger
        logger[metadataKey: "sink"] = "\(sink.name)"
        self.logger = logger
    }

    var isStopping: Bool { self.stopping.withLock { $0 } }

    /// Stops after the delivery in progress (its destination's answer is awaited, so its records are not sent
    /// twice for nothing); waits and retry pauses end at once.
    public func beginShutdown() {
        self.stopping.withLock { $0 = true }
        self.stopBell.ring()
    }

    public func run() async throws {
        await withGracefulShutdownHandler {
            await self.loop()
        } onGracefulShutdown: {
            self.beginShutdown()
        }
    }

    /// Sets the sink's gauges (at scrape time).
    public func refreshGauges(now: Date) {
        let labels = ["sink": self.sink.name]
        let cursor = self.board.cursor(of: self.sink.name) ?? self.spool.end
        self.metrics.lagRecords.set(Double(self.spool.end &- min(cursor, self.spool.end)), labels)
        let oldest = self.oldestUnsent.withLock { $0 }
        self.metrics.oldestUnsent.set(oldest.map { max(0, now.timeIntervalSince($0)) } ?? 0, labels)
        self.metrics.state.set(DeliveryMetrics.stateValue(self.board.state(of: self.sink.name)), labels)
    }

    private func loop() async {
        let name = self.sink.name
        guard let start = self.board.cursor(of: name) else {
            self.logger.error("sink has no cursor; its loop does not start")
            return
        }
        let reader = SpoolReader(spool: self.spool, from: start)
        var deliveredSinceIdle = 0
        while !self.isStopping {
            let entries: [SpoolEntry]
            do {
                entries = try await reader.read(maxEntries: self.settings.maxEntries, maxBytes: self.settings.maxBytes)
            } catch {
                await self.setState(.permanent, "cannot read the spool: \(error)")
                _ = await self.stopBell.wait(upTo: self.settings.permanentRetry)
                await reader.seek(to: self.board.cursor(of: name) ?? start)
                continue
            }
            guard let last = entries.last else {
                self.oldestUnsent.withLock { $0 = nil }
                if deliveredSinceIdle > 0 {
                    // Once per busy period (and a readiness signal for end-to-end tests).
                    self.logger.info("sink caught up with the spool", metadata: [
                        "entries": "\(deliveredSinceIdle)", "spoolEnd": "\(reader.position)"])
                    deliveredSinceIdle = 0
                }
                await self.waitForTail(from: reader.position)
                continue
            }
            self.oldestUnsent.withLock { $0 = entries.first?.appendedAt }
            guard await self.deliverUntilAccepted(entries) else { return }  // stopping
            await self.advance(to: last.sequence + 1)
            deliveredSinceIdle += entries.count
        }
    }

    /// Waits `duration`, or less when the loop is stopping.
    func pause(_ duration: Duration) async -> Bool { await self.stopBell.wait(upTo: duration) }

    /// Waits until an entry at `sequence` is durable, or the loop is stopping.
    private func waitForTail(from sequence: UInt64) async {
        let spool = self.spool
        let bell = self.stopBell
        await withTaskGroup(of: Void.self) { group in
            group.addTask { await spool.waitForEntries(from: sequence) }
            group.addTask { _ = await bell.wait(upTo: .seconds(3_600)) }
            _ = await group.next()
            group.cancelAll()
        }
    }
}
