import Foundation
import Synchronization

/// A child process whose standard output is read line by line, for end-to-end tests.
///
/// Readiness is signalled by the child printing a line (never by sleeping): `waitForLine` blocks
/// a dedicated thread, not the cooperative pool, until a matching line arrives or the child exits.
public final class ChildProcess: @unchecked Sendable {
    // Invariant: `pid` and `outputFD` are set in init and only read afterwards; `reader` is used from one
    // caller at a time (tests read output sequentially); the exit status is kept under `exit`.
    public let pid: Int32
    private let outputFD: Int32
    private let reader: LineReader
    private let exit = Mutex<(status: Int32, signal: Int32?)?>(nil)

    /// Started with `posix_spawn` (see ``Spawn``); standard input is /dev/null.
    public init(_ executable: URL, _ arguments: [String], environment: [String: String]? = nil,
                stderrToStdout: Bool = false) throws {
        let (pid, output) = try ProcessLaunch.serially { () throws -> (pid_t, Int32) in
            let pipe = try Spawn.pipePair()
            let null = open("/dev/null", O_RDONLY | O_CLOEXEC)
            defer {
                close(pipe.write)
                if null >= 0 { close(null) }
            }
            do {
                let pid = try Spawn.start(executable.path, arguments, environment: environment, stdin: null, stdout: pipe.write,
                                          stderr: stderrToStdout ? pipe.write : 2)
                return (pid, pipe.read)
            } catch {
                close(pipe.read)
                throw error
            }
        }
        self.pid = pid
        self.outputFD = output
        self.reader = LineReader(fd: output)
    }

    /// How the child ended: its exit status, or the signal that killed it (nil while it runs or before a wait).
    public var terminationSignal: Int32? { self.exit.withLock { $0?.signal } }

    /// Reads lines until one satisfies `match`; returns it, or nil on end of output.
    ///
    /// Cancelling the wait (a test's time limit, or a deadline raced against it) kills the child with
    /// SIGKILL: the reading thread then sees the end of output and the wait returns nil, so a test whose
    /// line never comes fails instead of hanging the whole run.
    public func waitForLine(where match: @escaping @Sendable (String) -> Bool) async -> String? {
        let reader = self.reader
        let pid = self.pid
        return await withTaskCancellationHandler {
            await onOwnThread { () -> String? in
                while let line = reader.nextLine() {
                    if match(line) { return line }
                }
                return nil
            }
        } onCancel: {
            kill(pid, SIGKILL)
        }
    }

    /// Next line of output, or nil at end of output.
    public func nextLine() async -> String? { await self.waitForLine { _ in true } }

    public func signal(_ signal: Int32) {
        if self.exit.withLock({ $0 == nil }) { kill(self.pid, signal) }
    }

    /// Closes the reading end of the child's output, as a log collector that died would: the child's next
    /// write fails (EPIPE, or SIGPIPE if it does not ignore it). No wait for a line may be running.
    public func closeOutput() { close(self.outputFD) }

    /// Waits for exit on a dedicated thread and returns the exit status, or the number of the signal that
    /// killed the child (as Foundation's `terminationStatus` does).
    public func waitForExit() async -> Int32 {
        if let known = self.exit.withLock({ $0 }) { return known.signal ?? known.status }
        let pid = self.pid
        let result = await onOwnThread { Spawn.wait(pid) }
        self.exit.withLock { $0 = result }
        return result.signal ?? result.status
    }

    deinit {
        if self.exit.withLock({ $0 == nil }) {
            kill(self.pid, SIGKILL)
            _ = Spawn.wait(self.pid)
        }
    }
}

/// Splits a file descriptor's bytes into lines.
final class LineReader: @unchecked Sendable {
    // Invariant: `buffer` is only touched under `lock`. Tests read sequentially, but a wait abandoned at a
    // deadline leaves its thread reading until the (killed) child's output ends, and a later wait must not
    // share the buffer with it meanwhile.
    private let fd: Int32
    private let lock = NSLock()
    private var buffer: [UInt8] = []
    init(fd: Int32) { self.fd = fd }

    func nextLine() -> String? {
        self.lock.withLock { self.nextLineLocked() }
    }

    private func nextLineLocked() -> String? {
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            if let newline = self.buffer.firstIndex(of: 0x0A) {
                let line = String(decoding: self.buffer[..<newline], as: UTF8.self)
                self.buffer.removeSubrange(...newline)
                return line
            }
            let n = chunk.withUnsafeMutableBytes { read(self.fd, $0.baseAddress, 4096) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 {
                if self.buffer.isEmpty { return nil }
                defer { self.buffer.removeAll() }
                return String(decoding: self.buffer, as: UTF8.self)
            }
            self.buffer.append(contentsOf: chunk[..<n])
        }
    }
}

/// Runs the built `activityhook` with `arguments` to completion (reading its output on a dedicated
/// thread, never blocking the cooperative pool); returns the exit status and stdout + stderr.
public func runActivityhook(_ arguments: [String]) async throws -> (status: Int32, output: String) {
    let child = try ChildProcess(try TestBinaries.require("activityhook"), arguments, stderrToStdout: true)
    var lines: [String] = []
    while let line = await child.nextLine() { lines.append(line) }
    return (await child.waitForExit(), lines.joined(separator: "\n"))
}
