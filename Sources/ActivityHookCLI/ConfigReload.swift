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
///   An identical file counts as `unchanged`. A change to a listener (`server.listen`, `server.adminListen`,
///   `server.tls`) is logged as needing a restart and counted as `restart_required`; nothing is applied.
/// - Any other change is applied by replacing the process (`reexec`): the listeners are quiesced but stay
///   open, every service stops gracefully (in-flight requests answered, blobs finished or released, each
///   sink's cursor durable), and `serve` execs itself with the listening sockets (`--listen-fds`). Connections
///   that arrive meanwhile wait in the kernel's backlog; the new process counts the reload as `applied`.
///
/// Counted in `activityhook_config_reload_total{result}`. Under systemd, `RELOADING=1` and `READY=1` frame
/// each reload (the PID stays the same across the exec).
struct ConfigReload: Sendable {
    enum Outcome: Sendable { case keep, reexec }

    let path: String
    let running: [String: String]
    let listeners: String
    let counter: Counter
    let notifier: SystemdNotifier
    let logger: Logger

    init(path: String, running: ActivityHookConfig, registry: MetricsRegistry, notifier: SystemdNotifier, logger: Logger) {
        self.path = path
        self.running = Self.sections(of: running)
        self.listeners = Self.listeners(of: running)
        self.counter = registry.counter("activityhook_config_reload_total",
                                        help: "Configuration reloads on SIGHUP, by result: invalid, unchanged, restart_required, applied.")
        for result in ["invalid", "unchanged", "restart_required", "applied"] { self.counter.increment(["result": result], by: 0) }
        self.notifier = notifier
        self.logger = logger
    }

    func reload() async -> Outcome {
        self.notifier.reloading()
        let outcome = await self.decide()
        if outcome == .keep { self.notifier.ready(status: "serving") }  // else the new process says READY
        return outcome
    }

    private func decide() async -> Outcome {
        let loaded: LoadedConfig
        do {
            loaded = try ConfigLoader.load(path: self.path)
        } catch {
            for issue in error.issues {
                self.logger.error("configuration reload refused: keeping the running configuration", metadata: [
                    "config.key": "\(issue.keyPath)", "config.problem": "\(issue.message)"])
            }
            self.counter.increment(["result": "invalid"])
            return .keep
        }
        let sectionsNow = Self.sections(of: loaded.config)
        let changed = sectionsNow.filter { self.running[$0.key] != $0.value }.map(\.key)
            + self.running.keys.filter { sectionsNow[$0] == nil }
        guard !changed.isEmpty else {
            self.logger.info("configuration reloaded: unchanged")
            self.counter.increment(["result": "unchanged"])
            return .keep
        }
        let sections = changed.sorted().joined(separator: ",")
        if Self.listeners(of: loaded.config) != self.listeners {
            self.logger.warning("configuration changed a listener: restart serve to apply it; nothing was applied",
                                metadata: ["sections": "\(sections)"])
            self.counter.increment(["result": "restart_required"])
            return .keep
        }
        self.logger.notice("configuration changed: applying it; the listeners stay open while serve restarts in place",
                           metadata: ["sections": "\(sections)"])
        return .reexec
    }

    /// The listener settings, which a reload cannot change (their sockets are handed over as they are).
    static func listeners(of config: ActivityHookConfig) -> String {
        let server = config.server
        let tls = server.tls.map { "\($0.certificate)|\($0.privateKey)|\($0.clientCA ?? "")|\($0.clientName ?? "")" } ?? "-"
        return "\(server.listen)|\(server.adminListen.map { "\($0)" } ?? "-")|\(tls)"
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
