import ArgumentParser
import Foundation
import HookConfig
import HookLedger

/// `activityhook replay`: re-queues dead blobs, or one blob for every sink again. Safe beside a running
/// `serve`: the ledger is one SQLite file in WAL mode, and every change is one short transaction.
struct Replay: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Re-queue dead blobs (--dead) or one blob (--blob <contentId>) for forwarding again.",
        discussion: """
            --dead re-queues every dead blob with its attempts and errors reset; sinks that had accepted one keep \
            their progress. --blob re-queues that blob whatever its state (unless a worker holds it right now) and \
            forgets every sink's progress, so each sink receives its records again; record de-duplication still \
            suppresses records that another blob already forwarded. Prints 'replay: requeued=N'.
            """)

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Re-queue every dead blob.") var dead = false
    @Option(help: "Re-queue the blob with this contentId.") var blob: String?
    @Option(help: "Only the blob of this tenant id (with --blob).") var tenant: String?

    func validate() throws {
        guard self.dead != (self.blob != nil) else { throw ValidationError("give exactly one of --dead and --blob <contentId>") }
        if self.tenant != nil && self.blob == nil { throw ValidationError("--tenant goes with --blob") }
    }

    func run() async throws {
        let loaded = try self.global.loadConfig()
        let ledger: SQLiteLedger
        do {
            ledger = try await SQLiteLedger.open(path: loaded.config.state.path)
        } catch {
            printError("activityhook replay: \(error)")
            throw ExitCode(1)
        }
        let requeued: Int
        do {
            if let blob = self.blob {
                requeued = try await ledger.replay(tenantId: self.tenant, contentId: blob, now: Date())
            } else {
                requeued = try await ledger.replayDead(now: Date())
            }
        } catch {
            await ledger.close()
            printError("activityhook replay: \(error)")
            throw ExitCode(1)
        }
        await ledger.close()
        print("replay: requeued=\(requeued)")
        if let blob = self.blob, requeued == 0 {
            printError("activityhook replay: no blob \(blob) to re-queue (unknown, or being forwarded right now)")
            throw ExitCode(1)
        }
    }
}
