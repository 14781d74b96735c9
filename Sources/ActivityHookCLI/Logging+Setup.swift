import Foundation
import Logging

/// Bootstraps swift-log once per process: human-readable lines on a terminal, JSON lines with
/// `--log-format json` (or when stderr is not a terminal and no format was given, as under systemd).
enum LogSetup {
    static func bootstrap(_ options: GlobalOptions) -> Logger {
        let level = Logger.Level(rawValue: options.logLevel.lowercased()) ?? .info
        let format = options.logFormat ?? (isatty(STDERR_FILENO) == 1 ? .human : .json)
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = format == .json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        return Logger(label: "activityhook")
    }
}
