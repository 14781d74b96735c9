import Foundation
import Synchronization

/// Readers that follow the spool's tail wait here for the next durable append.
struct TailWaiters {
    /// One suspended reader; resumed exactly once (append, cancellation or close).
    final class Waiter: Sendable {
        private let continuation: Mutex<CheckedContinuation<Void, Never>?>

        init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = Mutex(continuation) }

        func resume() { self.continuation.withLock { $0.take() }?.resume() }
    }

    private var waiters: [ObjectIdentifier: Waiter] = [:]

    mutating func add(_ waiter: Waiter) { self.waiters[ObjectIdentifier(waiter)] = waiter }

    mutating func remove(_ waiter: Waiter) { self.waiters[ObjectIdentifier(waiter)] = nil }

    mutating func takeAll() -> [Waiter] {
        defer { self.waiters.removeAll() }
        return Array(self.waiters.values)
    }
}

extension Spool {
    /// Returns once an entry at or past `sequence` is durable, the task is cancelled, or the spool closes.
    /// A delivery loop that has read everything calls this instead of polling: the alert sink sees a new
    /// window as soon as its fsync returns.
    public func waitForEntries(from sequence: UInt64) async {
        let box = Mutex<TailWaiters.Waiter?>(nil)
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                let waiter = TailWaiters.Waiter(continuation)
                // Published before the check: a cancellation from here on finds it; one before is seen below.
                box.withLock { $0 = waiter }
                let ready = self.state.withLock { state -> Bool in
                    if state.end > sequence || state.closed || Task.isCancelled { return true }
                    state.tail.add(waiter)
                    return false
                }
                if ready { waiter.resume() }
            }
        } onCancel: {
            guard let waiter = box.withLock({ $0 }) else { return }
            self.state.withLock { $0.tail.remove(waiter) }
            waiter.resume()
        }
    }
}
