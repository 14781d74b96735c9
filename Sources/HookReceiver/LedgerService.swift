import HookLedger
import Logging
import ServiceLifecycle

/// Keeps the ledger open while `serve` runs and checkpoints its WAL from a second connection every
/// `checkpointInterval` (the ledger is opened with `backgroundCheckpoints`, so no commit waits for one); on
/// graceful shutdown (after the HTTP servers and workers, which come later in the service group and so stop
/// first) it checkpoints the WAL and closes the database.
public struct LedgerService: Service {
    let ledger: SQLiteLedger
    let logger: Logger
    let checkpointInterval: Duration

    public init(ledger: SQLiteLedger, logger: Logger, checkpointInterval: Duration = .milliseconds(200)) {
        self.ledger = ledger
        self.logger = logger
        self.checkpointInterval = checkpointInterval
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    try await self.ledger.checkpointInBackground()
                } catch {
                    // A busy or failed passive checkpoint is retried at the next tick; the WAL only grows meanwhile.
                    self.logger.warning("background checkpoint failed; retrying", metadata: ["error": "\(error)"])
                }
                try await Task.sleep(for: self.checkpointInterval)
            }
        }
        let stats = self.ledger.groupCommitStats
        await self.ledger.close()
        self.logger.info("ledger checkpointed and closed", metadata: [
            "ledger.transactions": "\(stats.transactions)", "ledger.recordCalls": "\(stats.batches)",
        ])
    }
}
