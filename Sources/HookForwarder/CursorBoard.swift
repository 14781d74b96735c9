import Foundation
import HookLedger
import Synchronization

/// Every sink's cursor and state in memory, shared by the delivery loops: the lowest cursor decides which
/// spool segments may go, and `/metrics` reads the states without a ledger query.
public final class CursorBoard: Sendable {
    /// The configured sinks, in config order (a blob is done when all of them passed it).
    public let sinks: [String]
    private let state: Mutex<[String: (next: UInt64, state: SinkDeliveryState, message: String?)]>
    private let waiters = Mutex<[(id: UInt64, sink: String, target: UInt64, continuation: CheckedContinuation<Void, Never>)]>([])
    private let nextWaiter = Atomic<UInt64>(0)

    /// A board holding `cursors` (from the ledger, after ``DeliveryLedger/createCursors(_:at:allSinks:now:)``).
    public init(sinks: [String], cursors: [SinkCursor]) {
        self.sinks = sinks
        var initial: [String: (next: UInt64, state: SinkDeliveryState, message: String?)] = [:]
        for cursor in cursors where sinks.contains(cursor.sink) { initial[cursor.sink] = (cursor.next, cursor.state, cursor.message) }
        self.state = Mutex(initial)
    }

    public func cursor(of sink: String) -> UInt64? { self.state.withLock { $0[sink]?.next } }

    public func state(of sink: String) -> SinkDeliveryState { self.state.withLock { $0[sink]?.state ?? .delivering } }

    public func message(of sink: String) -> String? { self.state.withLock { $0[sink]?.message } }

    /// The lowest cursor of all sinks: every spool entry below it has been accepted everywhere.
    public var lowest: UInt64? { self.state.withLock { $0.values.map(\.next).min() } }

    /// Moves `sink`'s cursor; returns the new lowest cursor when it moved (segments may be deleted), else nil.
    func advance(_ sink: String, to next: UInt64) -> UInt64? {
        defer { self.wakeWaiters() }
        return self.state.withLock { state in
            let before = state.values.map(\.next).min()
            if state[sink] == nil { state[sink] = (next, .delivering, nil) } else { state[sink]!.next = max(state[sink]!.next, next) }
            let after = state.values.map(\.next).min()
            return after != before ? after : nil
        }
    }

    /// Returns once `sink`'s cursor is at `target` or beyond, or the task is cancelled (tests and tools wait
    /// on this instead of polling).
    public func waitUntil(_ sink: String, reaches target: UInt64) async {
        let id = self.nextWaiter.add(1, ordering: .relaxed).newValue
        await withTaskCancellationHandler {
            await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
                self.waiters.withLock { $0.append((id, sink, target, continuation)) }
                self.wakeWaiters()
            }
        } onCancel: {
            let cancelled = self.waiters.withLock { waiters -> CheckedContinuation<Void, Never>? in
                guard let index = waiters.firstIndex(where: { $0.id == id }) else { return nil }
                return waiters.remove(at: index).continuation
            }
            cancelled?.resume()
        }
    }

    private func wakeWaiters() {
        let cursors = self.state.withLock { $0.mapValues(\.next) }
        let ready = self.waiters.withLock { waiters -> [CheckedContinuation<Void, Never>] in
            let due = waiters.filter { (cursors[$0.sink] ?? 0) >= $0.target }
            waiters.removeAll { (cursors[$0.sink] ?? 0) >= $0.target }
            return due.map(\.continuation)
        }
        for continuation in ready { continuation.resume() }
    }

    /// Records a state; false when it did not change (nothing to write).
    func setState(_ sink: String, _ newState: SinkDeliveryState, _ message: String?) -> Bool {
        self.state.withLock { state in
            guard let current = state[sink] else { return false }
            if current.state == newState && current.message == message { return false }
            state[sink]!.state = newState
            state[sink]!.message = message
            return true
        }
    }
}
