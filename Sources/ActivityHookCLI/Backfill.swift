import ArgumentParser
import Foundation
import HookConfig
import HookLedger
import HookManagementAPI
import HookPoller

/// `activityhook backfill`: lists a past range through the poller's own listing path into the ledger
/// (idempotent: known blobs are only marked as listed again). Safe beside a running `serve` (SQLite WAL).
struct Backfill: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and queue the content of a past time range (at most 7 days back).",
        discussion: """
            Refuses a --since the API can no longer serve (older than 7 days minus a 10-minute margin). \
            Prints 'backfill done: windows=… pages=… new=… known=…' at the end; exits 1 if any listing failed.
            """)
    @OptionGroup var global: GlobalOptions
    @Option(help: "Start of the range (ISO 8601, e.g. 2026-11-25T00:00:00Z).") var since: String
    @Option(help: "End of the range (default: now).") var until: String?
    @Option(help: "Only this tenant id.") var tenant: String?
    @Option(help: "Only this content type.") var contentType: String?

    func run() async throws {
        let loaded = try self.global.loadConfig()
        let config = loaded.config
        let since = try Self.parseTime(self.since, option: "--since")
        let until = try self.until.map { try Self.parseTime($0, option: "--until") }
        let planner = WindowPlanner(overlap: 0, initialLookback: 0)
        // Refuse before any request, in our own time; each tenant's windows are planned again in Microsoft's.
        do { _ = try planner.backfillWindows(since: since, until: until, serverNow: Date()) } catch {
            printError("activityhook backfill: \(error)")
            throw ExitCode(2)
        }
        let selected = config.tenants.indices.filter { index in
            self.tenant.map { $0.lowercased() == config.tenants[index].tenantId.lowercased() } ?? true
        }
        guard !selected.isEmpty else {
            printError("activityhook backfill: --tenant \(self.tenant ?? "") is not in the config")
            throw ExitCode(2)
        }
        let session = try await ManagementSession.open(config, for: "backfill")
        let runner = PollRunner(ledger: session.ledger, watermarks: session.ledger, planner: planner)
        let progress = BackfillProgress()
        var total = PollReport()
        var failed = false
        for index in selected {
            let client = session.clients[index]
            let types = config.tenants[index].contentTypes.map(\.rawValue).filter { type in
                self.contentType.map { $0.lowercased() == type.lowercased() } ?? true
            }
            for type in types {
                do {
                    let windows = try planner.backfillWindows(since: since, until: until,
                                                              serverNow: Date().addingTimeInterval(client.skew.seconds))
                    let done = total
                    let report = try await runner.backfill(client, contentType: type, windows: windows, localNow: { Date() }) { running in
                        var shown = done
                        shown.add(running)
                        progress.show(shown)
                    }
                    total.add(report)
                } catch {
                    failed = true
                    progress.clear()
                    printError("activityhook backfill: \(client.settings.tenantId) \(type): \(error)")
                }
            }
        }
        progress.clear()
        await session.close()
        print("backfill done: windows=\(total.windows) pages=\(total.pages) new=\(total.newBlobs) known=\(total.knownBlobs)")
        if failed { throw ExitCode(1) }
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

/// A one-line progress display on standard error, only when it is a terminal.
struct BackfillProgress {
    let enabled = isatty(STDERR_FILENO) == 1

    func show(_ report: PollReport) {
        guard self.enabled else { return }
        StandardError.write("\rwindows \(report.windows)  pages \(report.pages)  blobs queued \(report.newBlobs)  known \(report.knownBlobs)   ")
    }

    func clear() {
        guard self.enabled else { return }
        StandardError.write("\r\u{1B}[K")
    }
}
