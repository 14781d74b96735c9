import Foundation
import Synchronization

/// A doorbell for idle workers: the receiver and the poller ``ring()`` after they commit new blobs, and a
/// worker with nothing to do ``wait(upTo:)``s on it instead of polling the ledger fast.
///
/// A ring with nobody waiting is remembered (once), so a worker that was busy when new work arrived does
/// not sleep through it. Waiting is cancellable and always bounded by its timeout, so a lost ring costs at
/// most one timeout, never a stuck worker.
public final class WorkSignal: Sendable {
    private struct State {
        var pending = false
        var waiters: [UInt64: CheckedContinuation<Bool, Never>] = [:]
        var nextID: UInt64 = 0
    }

    private let state = Mutex(State())

    /// Creates a signal that has not rung.
    public init() {}

    /// Wakes every waiter now, or the next one to wait when none is waiting.
    public func ring() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Bool, Never>] in
            guard !state.waiters.isEmpty else {
                state.pending = true
                return []
            }
            defer { state.waiters = [:] }
            return Array(state.waiters.values)
        }
        for waiter in waiters { waiter.resume(returning: true) }
    }

    /// Returns true as soon as the signal rings (at once if it rang while nobody waited), false after
    /// `timeout` or when the calling task is cancelled.
    public func wait(upTo timeout: Duration) async -> Bool {
        if self.state.withLock({ state in defer { state.pending = false }; return state.pending }) { return true }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask { await self.waitForRing() }
            group.addTask {
                try? await Task.sleep(for: timeout)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            return first
        }
    }

    private func waitForRing() async -> Bool {
        let id = self.state.withLock { state in
            defer { state.nextID += 1 }
            return state.nextID
        }
        return await withTaskCancellationHandler {
            await withCheckedContinuation { continuation in
                let resumeNow = self.state.withLock { state -> Bool? in
                    if Task.isCancelled { return false }
                    if state.pending {
                        state.pending = false
                        return true
                    }
                    state.waiters[id] = continuation
                    return nil
                }
                if let resumeNow { continuation.resume(returning: resumeNow) }
            }
        } onCancel: {
            let waiter = self.state.withLock { $0.waiters.removeValue(forKey: id) }
            waiter?.resume(returning: false)
        }
    }
}
