import Synchronization

/// Starts child processes one at a time (``Spawn``): a pipe is created and marked close-on-exec under the
/// same lock as every spawn, so no child started meanwhile inherits an end of another child's pipe (which
/// would keep that pipe open, and its reader waiting, for as long as the wrong child lives).
public enum ProcessLaunch {
    private static let lock = Mutex<Void>(())

    /// Runs `body` (the creation of the pipes and the spawn that hands them over) under the launch lock.
    static func serially<T>(_ body: () throws -> T) rethrows -> T {
        try Self.lock.withLock { _ in try body() }
    }
}
