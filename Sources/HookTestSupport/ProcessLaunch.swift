import Foundation
import Synchronization

/// Starts child processes one at a time.
///
/// Foundation's `Process.run()` on Linux is not safe to call from several threads at once: the full suite
/// twice died with a segfault in `memcpy` inside `Process.run()` while TestPKI's `openssl` runs and other
/// tests' children were being started on their own threads. Serialising the launch (not the child's
/// lifetime) costs a few milliseconds per child and removes that race.
public enum ProcessLaunch {
    private static let lock = Mutex<Void>(())

    /// Runs `process` under the launch lock.
    public static func run(_ process: Process) throws {
        try Self.lock.withLock { _ in try process.run() }
    }
}
