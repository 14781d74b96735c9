import Foundation
import HookConfig
import HookMetrics
import HookSystemd
import Logging

/// `serve`'s answer to SIGHUP (docs/systemd.md): the file is read and validated again.
///
/// - An invalid file keeps the running configuration; each finding is logged with its key path and the
///   reload is counted as `invalid`.
/// - A valid file is compared with the running one, section by section (`server`, `tenants`, `sinks`, …).
///   This version applies no change while running: a changed section is logged as needing a restart and
///   counted as `restart_required`; an identical file counts as `unchanged`.
///
/// Counted in `activityhook_config_reload_total{result}`. Under systemd, `RELOADING=1` and `READY=1` frame
/// each reload.
struct ConfigReload: Sendable {
    let path: String
    let running: [String: String]
    let counter: Counter
    let notifier: SystemdNotifier
    let logger: Logger

    init(path: String, running: ActivityHookConfig, registry: MetricsRegistry, notifier: SystemdNotifier, logger: Logger) {
        self.path = path
        self.running = Self.sections(of: running)
        self.counter = registry.counter("activityhook_config_reload_total",
                                        help: "Configuration reloads on SIGHUP, by result: invalid, unchanged, restart_required.")
        for result in ["invalid", "unchanged", "restart_required"] { self.counter.increment(["result": result], by: 0) }
        self.notifier = notifier
        self.logger = logger
    }

    func reload() async {
        self.notifier.reloading()
        defer { self.notifier.ready(status: "serving") }
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(path: self.path)
        } catch {
            for issue in error.issues {
                self.logger.error("configuration reload refused: keeping the running configuration", metadata: [
                    "config.key": "\(issue.keyPath)", "config.problem": "\(issue.message)"])
            }
            self.counter.increment(["result": "invalid"])
            return
        }
        let changed = Self.sections(of: loaded.config).filter { self.running[$0.key] != $0.value }.map(\.key)
            + self.running.keys.filter { Self.sections(of: loaded.config)[$0] == nil }
        guard !changed.isEmpty else {
            self.logger.info("configuration reloaded: unchanged")
            self.counter.increment(["result": "unchanged"])
            return
        }
        self.logger.warning("configuration changed: restart serve to apply it", metadata: [
            "sections": "\(changed.sorted().joined(separator: ","))"])
        self.counter.increment(["result": "restart_required"])
    }

    /// The configuration's top-level sections as their redacted YAML. Secrets are redacted there, so a
    /// changed secret alone reads as unchanged.
    static func sections(of config: ActivityHookConfig) -> [String: String] {
        var sections: [String: String] = [:]
        var current: String?
        for line in config.redactedYAML().split(separator: "\n", omittingEmptySubsequences: false) {
            if let first = line.first, first != " ", first != "#", first != "-", let colon = line.firstIndex(of: ":") {
                current = String(line[..<colon])
            }
            if let current { sections[current, default: ""] += line + "\n" }
        }
        return sections
    }
}
