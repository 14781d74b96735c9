import ArgumentParser

/// Subcommands whose implementation arrives with a later issue. They exit with status 2 and say which.
protocol PendingCommand: AsyncParsableCommand {
    static var waitsFor: String { get }
}

extension PendingCommand {
    func run() async throws {
        printError("activityhook \(Self._commandName): not implemented yet (waits for \(Self.waitsFor))")
        throw ExitCode(2)
    }
}

struct Backfill: PendingCommand {
    static let configuration = CommandConfiguration(
        abstract: "List and queue the content of a past time range (at most 7 days back).")
    static let waitsFor = "issue #7, polling fallback, backfill and completeness"
    @OptionGroup var global: GlobalOptions
    @Option(help: "Start of the range (ISO 8601, e.g. 2026-11-25T00:00:00Z).") var since: String?
    @Option(help: "End of the range (default: now).") var until: String?
    @Option(help: "Only this tenant id.") var tenant: String?
    @Option(help: "Only this content type.") var contentType: String?
}

struct Version: AsyncParsableCommand {
    static let configuration = CommandConfiguration(abstract: "Print the version.")
    func run() async throws { print("activityhook \(ActivityHookVersion.string)") }
}

enum ActivityHookVersion {
    static let string = "0.1.0"
}
