import Foundation

/// Runs blocking work (a child process, a socket read with a deadline, `openssl`) on a thread of its
/// own and awaits it.
///
/// Tests run on the cooperative pool, which has one thread per core: two tests blocking it at once on
/// a 2-core machine would freeze every in-process server, timer and continuation of the whole run for
/// as long as they block, and other tests' time-sensitive checks (clock skew, deadlines) would fail.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        Thread.detachNewThread { continuation.resume(with: Result { try body() }) }
    }
}

/// ``onOwnThread(_:)`` for work that cannot fail.
public func onOwnThread<T: Sendable>(_ body: @escaping @Sendable () -> T) async -> T {
    await withCheckedContinuation { continuation in
        Thread.detachNewThread { continuation.resume(returning: body()) }
    }
}
