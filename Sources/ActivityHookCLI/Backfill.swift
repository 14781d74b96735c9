import ArgumentParser
import Foundation
import HookConfig
import HookLedger
import HookPoller

/// `activityhook backfill`: records a backfill job in the ledger for `serve` to run. Only `serve` makes bulk
/// API calls, so a backfill draws from the same per-tenant request budget as the poller and the workers
/// (docs/request-budget.md). `--follow` shows the job's progress until its blobs are forwarded.
struct Backfill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Queue a backfill of a past time range (at most 7 days back) for serve to list and forward.",
        discussion: """
            Records a job in the ledger and exits: the running 'activityhook serve' lists the range within the \
            shared request budget (api.requestsPerMinute per tenant) and forwards what it finds; if no serve is \
            running, the job waits for the next one. 'activityhook status' shows every job's progress (windows \
            listed, blobs found, blobs forwarded). With --follow, shows that progress (a bar on a terminal, \
            plain lines otherwise) until the job's blobs are forwarded; exits 1 if the job failed. \
            Refuses a --since the API can no longer serve (older than 7 days minus a 10-minute margin).
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Start of the range (ISO 8601, e.g. 2026-11-25T00:00:00Z).") var since: String
    @Option(help: "End of the range (default: the server's now when serve starts the job).") var until: String?
    @Option(help: "Only this tenant id.") var tenant: String?
    @Option(help: "Only this content type.") var contentType: String?
    @Flag(help: "Show the job's progress until its blobs are forwarded.") var follow = false

    func run() async throws {
        let loaded = try self.global.loadConfig()
        let config = loaded.config
        let since = try Self.parseTime(self.since, option: "--since")
        let until = try self.until.map { try Self.parseTime($0, option: "--until") }
        // Refuse at once, in our own time; serve plans each tenant's windows again in Microsoft's.
        do { _ = try WindowPlanner(overlap: 0, initialLookback: 0).backfillWindows(since: since, until: until, serverNow: Date()) } catch {
            printError("activityhook backfill: \(error)")
            throw ExitCode(2)
        }
        if let tenant = self.tenant, !config.tenants.contains(where: { $0.tenantId.lowercased() == tenant.lowercased() }) {
            printError("activityhook backfill: --tenant \(tenant) is not in the config")
            throw ExitCode(2)
        }
        let ledger: SQLiteLedger
        let id: Int64
        do {
            ledger = try await SQLiteLedger.open(path: config.state.path)
            id = try await ledger.addBackfillJob(BackfillRequest(since: since, until: until, tenantId: self.tenant,
                                                                 contentType: self.contentType), now: Date())
        } catch {
            printError("activityhook backfill: \(error)")
            throw ExitCode(1)
        }
        print("backfill job \(id) recorded: serve lists it within the shared request budget; 'activityhook status' shows its progress")
        if !ServeLock.isHeld(statePath: config.state.path) {
            print("no activityhook serve is running on \(config.state.path): the job starts when serve starts")
        }
        fflush(nil)
        guard self.follow else {
            await ledger.close()
            return
        }
        let finished = await BackfillFollower(ledger: ledger, jobId: id).run()
        await ledger.close()
        if finished?.state != .listed { throw ExitCode(1) }
    }

    /// `2026-11-25T00:00:00Z`, with fractional seconds or an offset; a plain date means its midnight UTC.
    static func parseTime(_ text: String, option: String) throws -> Date {
        let formatter = ISO8601DateFormatter()
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        if let date = formatter.date(from: text) { return date }
        formatter.formatOptions = [.withFullDate]
        if let date = formatter.date(from: text) { return date }
        throw ValidationError("\(option) \(text) is not an ISO 8601 time such as 2026-11-25T00:00:00Z")
    }
}
