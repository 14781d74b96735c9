import Foundation
import HookLedger
import Logging
import ServiceLifecycle

/// Keeps the ledger open while `serve` runs and checkpoints its WAL from a second connection every
/// `checkpointInterval` (the ledger is opened with `backgroundCheckpoints`, so no commit waits for one); every
/// `pruneInterval` it deletes the blobs `done` for longer than `doneRetention` (`state.doneRetention`), so the
/// `blobs` table stays bounded. On graceful shutdown (after the HTTP servers and workers, which come later in
/// the service group and so stop first) it checkpoints the WAL and closes the database.
public struct LedgerService: Service {
    let ledger: SQLiteLedger
    let logger: Logger
    let checkpointInterval: Duration
    let doneRetention: TimeInterval
    let pruneInterval: Duration

    public init(ledger: SQLiteLedger, logger: Logger, checkpointInterval: Duration = .milliseconds(200),
                doneRetention: TimeInterval = SQLiteLedger.defaultDoneRetention, pruneInterval: Duration = .seconds(3_600)) {
        self.ledger = ledger
        self.logger = logger
        self.checkpointInterval = checkpointInterval
        self.doneRetention = doneRetention
        self.pruneInterval = pruneInterval
    }

    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var nextPrune = ContinuousClock.now
            while !Task.isCancelled {
                do {
                    try await self.ledger.checkpointInBackground()
                } catch {
                    // A busy or failed passive checkpoint is retried at the next tick; the WAL only grows meanwhile.
                    self.logger.warning("background checkpoint failed; retrying", metadata: ["error": "\(error)"])
                }
                if ContinuousClock.now >= nextPrune {
                    nextPrune = ContinuousClock.now + self.pruneInterval
                    await self.prune()
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

    private func prune() async {
        do {
            let pruned = try await self.ledger.pruneDone(before: Date().addingTimeInterval(-self.doneRetention))
            if pruned > 0 { self.logger.info("pruned done blobs", metadata: ["blobs": "\(pruned)"]) }
        } catch {
            self.logger.warning("cannot prune done blobs; retrying at the next interval", metadata: ["error": "\(error)"])
        }
    }
}
