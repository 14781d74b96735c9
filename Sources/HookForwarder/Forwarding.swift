import Foundation
import HookConfig
import HookLedger
import HookManagementAPI
import HookMetrics
import HookSinks
import HookSpool
import Logging
import ServiceLifecycle

/// The two stages `serve` runs (issue 13, docs/spool.md): the fetch stage (``WorkerPool`` of
/// ``BlobProcessor``s appending to the spool) and one ``SinkDeliveryLoop`` per sink reading it.
public struct Forwarding: Sendable {
    public let pool: WorkerPool
    public let loops: [SinkDeliveryLoop]
    public let spool: Spool
    public let board: CursorBoard
    let metrics: DeliveryMetrics

    /// The services in start order: the loops, then the pool, so that a shutdown (reverse order) stops the
    /// fetching first and lets each loop finish the delivery it is in.
    public var services: [any Service] { self.loops as [any Service] + [self.pool] }

    /// Opens the spool and prepares both stages.
    ///
    /// The spool's sequence continues at the highest cursor the ledger holds, so no cursor can point past new
    /// entries; a spool found lost or replaced queues its blobs again (``DeliveryLedger/requeueSpooled(cursor:now:)``).
    /// A sink without a cursor (new in the config) starts at the spool's end: it gets what is spooled from
    /// now on, and the blobs spooled before count as accepted by it. A removed sink's cursor is ignored.
    public static func make(sinks: [any Sink], ledger: any Ledger, spoolConfiguration: SpoolConfiguration,
                            makePool: (Spool) -> WorkerPool, registry: MetricsRegistry, logger: Logger) async throws -> Forwarding {
        let names = sinks.map(\.name)
        let known = try await ledger.sinkCursors()
        let highest = known.map(\.next).max() ?? 0
        let lowest = known.filter { names.contains($0.sink) }.map(\.next).min()
        let spool = try await Spool.open(spoolConfiguration, minimumNext: highest, logger: logger)
        // Lost: the spool ends below a cursor, or no longer holds entries a sink has not accepted (a deleted
        // or replaced spool directory, a lost disk).
        if spool.recovery.lost || lowest.map({ spool.first > $0 }) == true {
            let requeued = try await ledger.requeueSpooled(cursor: spool.end, now: Date())
            logger.error("the spool was lost: its blobs not yet accepted by every sink are fetched again", metadata: [
                "blobs": "\(requeued)", "spool": "\(spoolConfiguration.directory)"])
        }
        try await ledger.createCursors(names, at: spool.end, allSinks: names, now: Date())
        let board = CursorBoard(sinks: names, cursors: try await ledger.sinkCursors())
        let metrics = DeliveryMetrics(registry: registry)
        let loops = sinks.map { sink in
            SinkDeliveryLoop(sink: sink, spool: spool, ledger: ledger, board: board, metrics: metrics, logger: logger)
        }
        return Forwarding(pool: makePool(spool), loops: loops, spool: spool, board: board, metrics: metrics)
    }

    /// Sets the delivery gauges (at scrape time) and the pool's ledger gauges.
    public func refreshGauges() async {
        let now = Date()
        for loop in self.loops { loop.refreshGauges(now: now) }
        self.metrics.refresh(spool: self.spool, paused: self.pool.fetchPaused)
        await self.pool.refreshGauges()
    }
}
