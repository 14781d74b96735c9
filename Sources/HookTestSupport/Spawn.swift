import Foundation

/// Starts children with `posix_spawn`, without Foundation's `Process`.
///
/// The full test suite died again and again in `memcpy` inside Foundation's `Process.run()` (from TestPKI's
/// `openssl` runs and from `runCLI`), and serialising the launches did not stop it. This path shares no
/// state with Foundation: arguments and environment are copied into C strings here, pipes are created and
/// marked close-on-exec under the launch lock, and output is read with `poll`.
public enum Spawn {
    public struct Result: Sendable {
        public var status: Int32
        public var stdout: [UInt8]
        public var stderr: [UInt8]
    }

    /// A pipe whose ends are close-on-exec (the child gets its `dup2` copies only). Call under the launch lock.
    static func pipePair() throws -> (read: Int32, write: Int32) {
        var fds: [Int32] = [0, 0]
        guard pipe(&fds) == 0 else { throw TestSupportError("pipe: \(errno)") }
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        return (fds[0], fds[1])
    }

    /// Spawns `executable` with the given descriptors as its 0, 1 and 2. Call under the launch lock.
    static func start(_ executable: String, _ arguments: [String], environment: [String: String]?,
                      stdin: Int32, stdout: Int32, stderr: Int32) throws -> pid_t {
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_adddup2(&actions, stdin, 0)
        posix_spawn_file_actions_adddup2(&actions, stdout, 1)
        posix_spawn_file_actions_adddup2(&actions, stderr, 2)
        let variables = ProcessInfo.processInfo.environment.merging(environment ?? [:]) { $1 }
        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        let envp = variables.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            for pointer in argv { free(pointer) }
            for pointer in envp { free(pointer) }
        }
        var pid: pid_t = 0
        let spawned = posix_spawn(&pid, executable, &actions, nil, argv, envp)
        guard spawned == 0 else { throw TestSupportError("posix_spawn \(executable): \(String(cString: strerror(spawned)))") }
        return pid
    }

    /// Waits for `pid` and returns its exit status, or 128 + the signal that killed it.
    static func wait(_ pid: pid_t) -> (status: Int32, signal: Int32?) {
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        if (status & 0x7f) == 0 { return ((status >> 8) & 0xff, nil) }
        return (status & 0x7f, status & 0x7f)
    }

    /// Runs a command to completion, feeding it `stdin`, and collects both outputs.
    public static func run(_ executable: String, _ arguments: [String], environment: [String: String]? = nil,
                           stdin: [UInt8]? = nil) throws -> Result {
        let (pid, input, output, errors) = try ProcessLaunch.serially { () throws -> (pid_t, Int32, Int32, Int32) in
            let input = try Self.pipePair(), output = try Self.pipePair(), errors = try Self.pipePair()
            defer { for fd in [input.read, output.write, errors.write] { close(fd) } }
            do {
                let pid = try Self.start(executable, arguments, environment: environment,
                                         stdin: input.read, stdout: output.write, stderr: errors.write)
                return (pid, input.write, output.read, errors.read)
            } catch {
                for fd in [input.write, output.read, errors.read] { close(fd) }
                throw error
            }
        }
        if let stdin {
            var offset = 0
            while offset < stdin.count {
                let n = stdin.withUnsafeBytes { write(input, $0.baseAddress! + offset, $0.count - offset) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                offset += n
            }
        }
        close(input)
        var out: [UInt8] = [], err: [UInt8] = []
        var open = [output, errors]
        var buffer = [UInt8](repeating: 0, count: 65_536)
        while !open.isEmpty {
            var fds = open.map { pollfd(fd: $0, events: Int16(POLLIN), revents: 0) }
            if poll(&fds, nfds_t(fds.count), -1) < 0 {
                if errno == EINTR { continue }
                break
            }
            for entry in fds where entry.revents != 0 {
                let n = buffer.withUnsafeMutableBytes { read(entry.fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 {
                    close(entry.fd)
                    open.removeAll { $0 == entry.fd }
                } else if entry.fd == output {
                    out += buffer[..<n]
                } else {
                    err += buffer[..<n]
                }
            }
        }
        let exit = Self.wait(pid)
        return Result(status: exit.signal.map { 128 + $0 } ?? exit.status, stdout: out, stderr: err)
    }
}
