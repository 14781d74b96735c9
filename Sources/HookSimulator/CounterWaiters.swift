import Foundation
import Synchronization

/// Long-poll support for `GET /_sim/wait?counter=NAME&atLeast=N`: a test waits for the simulator to reach
/// a count (blobs listed, notifications sent, …) instead of polling `/_sim/counters` on a timer.
///
/// Every store mutation goes through `SimulatorState.withStore`, which calls ``check(_:)`` afterwards;
/// waiters whose counter reached its threshold are resumed outside the store lock.
final class CounterWaiters: Sendable {
    private struct Waiter: Sendable {
        let id: UInt64
        let counter: String
        let atLeast: Int
        let continuation: CheckedContinuation<Bool, Never>
    }

    private let state = Mutex<(next: UInt64, waiters: [Waiter], cancelled: Set<UInt64>)>((0, [], []))
    /// Read without the lock as a cheap "anyone waiting?" test on every store mutation.
    private let count = Atomic<Int>(0)

    /// Resumes the waiters satisfied by `counters`.
    func check(_ counters: SimCounters) {
        guard self.count.load(ordering: .relaxed) > 0 else { return }
        let fired = self.state.withLock { state -> [Waiter] in
            let fired = state.waiters.filter { (counters.value($0.counter) ?? 0) >= $0.atLeast }
            state.waiters.removeAll { waiter in fired.contains { $0.id == waiter.id } }
            self.count.store(state.waiters.count, ordering: .relaxed)
            return fired
        }
        for waiter in fired { waiter.continuation.resume(returning: true) }
    }

    /// True once `counter` reaches `atLeast`, false after `timeout`.
    func wait(counter: String, atLeast: Int, timeout: Duration, current: @escaping @Sendable () -> SimCounters) async -> Bool {
        let id = self.state.withLock { state -> UInt64 in
            state.next += 1
            return state.next
        }
        return await withTaskGroup(of: Bool.self) { group in
            group.addTask {
                await withCheckedContinuation { continuation in
                    let late = self.state.withLock { state -> Bool in
                        // The timeout may have fired before this registration: then answer at once.
                        if state.cancelled.remove(id) != nil { return true }
                        state.waiters.append(Waiter(id: id, counter: counter, atLeast: atLeast, continuation: continuation))
                        self.count.store(state.waiters.count, ordering: .relaxed)
                        return false
                    }
                    if late { return continuation.resume(returning: false) }
                    // The count may have been reached before the waiter was registered.
                    self.check(current())
                }
            }
            group.addTask {
                try? await Task.sleep(for: timeout)
                self.cancel(id)
                return false
            }
            let first = await group.next() ?? false
            group.cancelAll()
            self.cancel(id)
            await group.waitForAll()
            self.state.withLock { _ = $0.cancelled.remove(id) }
            return first
        }
    }

    /// Removes a waiter that timed out, resuming it with false.
    private func cancel(_ id: UInt64) {
        let removed = self.state.withLock { state -> Waiter? in
            guard let index = state.waiters.firstIndex(where: { $0.id == id }) else {
                state.cancelled.insert(id)
                return nil
            }
            defer { self.count.store(state.waiters.count, ordering: .relaxed) }
            return state.waiters.remove(at: index)
        }
        removed?.continuation.resume(returning: false)
    }
}

extension SimCounters {
    /// The counter called `name` in `/_sim/counters`, or nil for an unknown name.
    func value(_ name: String) -> Int? {
        switch name {
        case "tokensIssued": self.tokensIssued
        case "tokensRefused": self.tokensRefused
        case "validations": self.validations
        case "validationsFailed": self.validationsFailed
        case "blobsPublished": self.blobsPublished
        case "blobsDropped": self.blobsDropped
        case "blobsListed": self.blobsListed
        case "blobsServed": self.blobsServed
        case "throttled": self.throttled
        case "busiestBudgetWindow": self.busiestBudgetWindow
        case "startThrottled": self.startThrottled
        case "missingPublisher": self.missingPublisher
        case "notificationsQueued": self.notificationsQueued
        case "notificationsDropped": self.notificationsDropped
        case "notificationsNeverSent": self.notificationsNeverSent
        case "ingestCalls": self.ingestCalls
        case "ingestedRecords": self.ingestedRecords
        case "requests": self.requests
        case "subscriptionsStarted": self.subscriptionsStarted
        case "notificationsSent": self.notificationsSent.values.reduce(0, +)
        case "notificationsFailed": self.notificationsFailed.values.reduce(0, +)
        default: nil
        }
    }
}
