import Foundation
import Glibc
import Logging
import Synchronization

/// Set once by a SIGHUP reload that applies a changed configuration (ConfigReload, docs/systemd.md).
final class ReplaceRequest: Sendable {
    private let flag = Mutex(false)
    func request() { self.flag.withLock { $0 = true } }
    var requested: Bool { self.flag.withLock { $0 } }
}

extension Serve {
    /// Replaces this process with a new `serve` on the same command line, which reads the configuration
    /// again: same PID (systemd's `MAINPID` and the notify socket stay valid), the listening sockets passed as
    /// `--listen-fds` (kept open and inheritable by the HTTP servers' hand-over). Every other descriptor was
    /// opened close-on-exec, the ledger's lock among them. Only returns if the exec fails, by exiting 1.
    static func replaceProcess(listeners: [Int32], logger: Logger) -> Never {
        var arguments: [String] = []
        var skipNext = false
        for argument in CommandLine.arguments.dropFirst() {
            if skipNext { skipNext = false; continue }
            if argument == "--listen-fds" { skipNext = true; continue }
            if argument.hasPrefix("--listen-fds=") || argument == "--reloaded" { continue }
            arguments.append(argument)
        }
        arguments += ["--reloaded"]
        if !listeners.isEmpty { arguments += ["--listen-fds", listeners.map(String.init).joined(separator: ",")] }
        logger.notice("restarting in place", metadata: ["listenFds": "\(listeners.map(String.init).joined(separator: ","))"])
        fflush(nil)
        // An ignored signal stays ignored across exec: a second SIGHUP (a reload sent twice) must not kill the
        // new process before it traps SIGHUP itself.
        signal(SIGHUP, SIG_IGN)
        let executable = "/proc/self/exe"
        var cArguments: [UnsafeMutablePointer<CChar>?] = ([CommandLine.arguments.first ?? "activityhook"] + arguments).map { strdup($0) }
        cArguments.append(nil)
        execv(executable, cArguments)
        let reason = String(cString: strerror(errno))
        logger.critical("cannot restart in place; exiting so that the service manager starts serve again",
                        metadata: ["error": "\(reason)"])
        Glibc.exit(1)
    }
}
