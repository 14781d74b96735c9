import HookLedger
import Logging
import ServiceLifecycle

/// Keeps the ledger open while `serve` runs; on graceful shutdown (after the HTTP servers, which come
/// later in the service group and so stop first) it checkpoints the WAL and closes the database.
public struct LedgerService: Service {
    let ledger: SQLiteLedger
    let logger: Logger

    public init(ledger: SQLiteLedger, logger: Logger) {
        self.ledger = ledger
        self.logger = logger
    }

    public func run() async throws {
        try? await gracefulShutdown()
        let stats = self.ledger.groupCommitStats
        await self.ledger.close()
        self.logger.info("ledger checkpointed and closed", metadata: [
            "ledger.transactions": "\(stats.transactions)", "ledger.recordCalls": "\(stats.batches)",
        ])
    }
}
