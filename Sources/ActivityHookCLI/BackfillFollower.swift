import Foundation
import HookLedger

/// `backfill --follow`: reads a job's progress from the ledger until its blobs are forwarded (or it failed),
/// as a progress bar when standard output is a terminal, as one plain line per change otherwise.
struct BackfillFollower {
    /// How often the ledger is read (one indexed query).
    static let pollInterval: Duration = .milliseconds(500)
    /// Width of the bar in characters.
    static let barWidth = 30

    let ledger: SQLiteLedger
    let jobId: Int64
    let terminal = isatty(STDOUT_FILENO) == 1

    /// Follows the job; returns it as last read, or nil when it could not be read (the error is printed).
    func run() async -> BackfillJob? {
        var shown = ""
        while true {
            let job: BackfillJob
            do {
                guard let read = try await self.ledger.backfillJob(id: self.jobId) else {
                    printError("activityhook backfill: job \(self.jobId) is no longer in the ledger")
                    return nil
                }
                job = read
            } catch {
                printError("activityhook backfill: \(error)")
                return nil
            }
            let line = Self.line(job)
            if line != shown {
                if self.terminal {
                    print("\r\u{1B}[K" + Self.bar(job) + " " + line, terminator: "")
                } else {
                    print(line)
                }
                fflush(nil)
                shown = line
            }
            if job.isFinished {
                if self.terminal { print("") }
                print(Self.summary(job))
                if let error = job.error { printError("activityhook backfill: job \(job.id) failed: \(error)") }
                return job
            }
            do { try await Task.sleep(for: Self.pollInterval) } catch { return job }
        }
    }

    /// `job 3 running: windows 2/12, blobs found 40, forwarded 10`.
    static func line(_ job: BackfillJob) -> String {
        let total = job.windowsTotal > 0 ? String(job.windowsTotal) : "?"
        return "job \(job.id) \(job.state.rawValue): windows \(job.windowsListed)/\(total), blobs found \(job.blobsFound), forwarded \(job.blobsForwarded)"
    }

    /// The last line: `backfill done: job=3 windows=12 found=40 forwarded=40 unforwarded=0`.
    static func summary(_ job: BackfillJob) -> String {
        let word = job.state == .failed ? "failed" : "done"
        return "backfill \(word): job=\(job.id) windows=\(job.windowsListed) found=\(job.blobsFound) "
            + "forwarded=\(job.blobsForwarded) unforwarded=\(job.blobsFinished - job.blobsForwarded)"
    }

    /// `[#########.....................]`: listing counts for the first half, forwarding for the second.
    static func bar(_ job: BackfillJob) -> String {
        let listed = job.windowsTotal > 0 ? Double(job.windowsListed) / Double(job.windowsTotal) : 0
        let forwarded = job.blobsFound > 0 ? Double(job.blobsFinished) / Double(job.blobsFound) : (job.state == .listed ? 1 : 0)
        let fraction = min(1, max(0, (listed + forwarded) / 2))
        let filled = Int((fraction * Double(Self.barWidth)).rounded(.down))
        return "[" + String(repeating: "#", count: filled) + String(repeating: ".", count: Self.barWidth - filled) + "]"
    }
}
