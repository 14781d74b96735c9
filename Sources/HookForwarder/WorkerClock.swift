import Foundation

/// The workers' notion of time: injectable, so tests move it instead of sleeping.
public protocol WorkerClock: Sendable {
    /// The current time.
    func now() -> Date
    /// Returns after `duration` (at once if not positive); throws `CancellationError` when cancelled.
    func sleep(for duration: Duration) async throws
}

/// The wall clock and `Task.sleep`.
public struct SystemWorkerClock: WorkerClock {
    /// Creates the wall clock.
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(for duration: Duration) async throws {
        if duration > .zero { try await Task.sleep(for: duration) }
        try Task.checkCancellation()
    }
}
