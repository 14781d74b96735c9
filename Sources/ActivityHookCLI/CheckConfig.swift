import ArgumentParser
import HookConfig

/// `activityhook check-config`: validates a configuration file and prints it with secrets redacted.
struct CheckConfig: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "check-config",
        abstract: "Validate a configuration file and print it with secrets redacted.",
        discussion: "Exits 0 when valid, 78 with one line per problem (naming the key path) when not.")

    @Argument(help: "Configuration file to check (default: --config, $ACTIVITYHOOK_CONFIG, /etc/activityhook/activityhook.yaml).")
    var file: String?

    @Flag(help: "Only validate; do not print the redacted configuration.")
    var quiet = false

    @OptionGroup var global: GlobalOptions

    func run() async throws {
        var options = self.global
        if let file { options.config = file }
        let loaded = try options.loadConfig()
        for warning in loaded.warnings { printError("warning: \(warning)") }
        if !self.quiet { print(loaded.config.redactedYAML()) }
        printError("configuration \(options.configPath) is valid")
    }
}
