import ArgumentParser
import Foundation
import HookConfig

/// Options shared by every subcommand.
struct GlobalOptions: ParsableArguments {
    @Option(name: [.short, .long], help: ArgumentHelp(
        "Path of the YAML configuration file.", discussion: "Defaults to $ACTIVITYHOOK_CONFIG, then /etc/activityhook/activityhook.yaml."))
    var config: String?

    @Option(name: .long, help: "Log format: 'human' (default on a terminal) or 'json' (one JSON object per line).")
    var logFormat: LogFormat?

    @Option(name: .long, help: "Minimum log level: trace, debug, info, notice, warning, error or critical.")
    var logLevel: String = "info"

    /// The configuration path after applying the environment default.
    var configPath: String {
        self.config ?? ProcessInfo.processInfo.environment["ACTIVITYHOOK_CONFIG"] ?? "/etc/activityhook/activityhook.yaml"
    }

    /// Loads and validates the configuration; prints every problem (with its key path) and exits 78 on failure.
    func loadConfig() throws -> LoadedConfig {
        do {
            return try ConfigLoader.load(path: self.configPath)
        } catch {
            printError("activityhook: invalid configuration \(self.configPath):\n\(error)")
            throw ExitCode(78)  // EX_CONFIG
        }
    }
}

enum LogFormat: String, ExpressibleByArgument, CaseIterable {
    case human, json
}

func printError(_ message: String) {
    StandardError.write(message.hasSuffix("\n") ? message : message + "\n")
}
