import Foundation
import HookLedger
import Synchronization

/// How far one attempt at a blob has come: body chunks received and sink deliveries under way.
///
/// The lease is renewed only while this moves (docs/stalled-transfers.md): a transfer that stopped
/// delivering bytes must not hold its blob (and its worker) forever by renewing. A window being delivered
/// to the sinks counts as progress: the transfer is then paused by our own back-pressure, not stalled, and
/// every sink request has its own deadline.
final class AttemptProgress: Sendable {
    private let steps = Atomic<Int>(0)
    private let inSinkDeliveries = Atomic<Int>(0)

    /// A body chunk arrived.
    func advance() { self.steps.add(1, ordering: .relaxed) }

    /// Runs a sink delivery, which counts as progress for as long as it runs and once more when it ends.
    func inSinks<T>(_ body: () async throws -> T) async rethrows -> T {
        self.inSinkDeliveries.add(1, ordering: .relaxed)
        defer {
            self.inSinkDeliveries.subtract(1, ordering: .relaxed)
            self.advance()
        }
        return try await body()
    }

    /// A mark that differs from an earlier one when progress was made in between.
    var mark: (steps: Int, delivering: Bool) {
        (self.steps.load(ordering: .relaxed), self.inSinkDeliveries.load(ordering: .relaxed) > 0)
    }
}

/// An attempt made no progress for two thirds of its lease: it is given up (and retried) before the lease
/// runs out, so no other worker can lease the blob while this one still holds it.
struct StalledAttempt: Error, CustomStringConvertible {
    var idle: Duration
    var description: String { "no body bytes arrived and no sink delivery ran for \(self.idle); the transfer is given up" }
}

extension BlobProcessor {
    /// Runs `body` while renewing the lease every third of its duration, as long as `progress` moves; two
    /// thirds without progress throw ``StalledAttempt`` and a renewal that finds the lease gone throws
    /// ``LeaseLost`` (the body is cancelled either way: a streamed body's read ends at once).
    func withLeaseRenewal<T: Sendable>(_ blob: LeasedBlob, progress: AttemptProgress,
                                       _ body: @escaping @Sendable () async throws -> T) async throws -> T {
        let duration = self.policy.leaseDuration
        return try await withThrowingTaskGroup(of: T?.self) { group in
            group.addTask { try await body() }
            group.addTask {
                var last = progress.mark.steps
                var idleTicks = 0
                while true {
                    try await self.clock.sleep(for: duration / 3)
                    let mark = progress.mark
                    if mark.steps == last && !mark.delivering {
                        idleTicks += 1
                        // The last renewal still holds for one more third: enough to record the retry.
                        if idleTicks >= 2 { throw StalledAttempt(idle: duration / 3 * 2) }
                        continue
                    }
                    idleTicks = 0
                    last = mark.steps
                    let until = self.clock.now().addingTimeInterval(ForwardingPolicy.seconds(duration))
                    guard try await self.ledger.renewLease(blob, until: until) else { throw LeaseLost() }
                }
            }
            // The first child to finish decides: the body's result (or error), a stall, or a lost lease.
            defer { group.cancelAll() }
            guard let result = try await group.next(), let value = result else { throw LeaseLost() }
            return value
        }
    }
}
