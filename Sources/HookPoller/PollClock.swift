import Foundation

/// The poller's notion of time: injectable, so tests run many intervals without sleeping through them.
public protocol PollClock: Sendable {
    /// This machine's current time (the API client's skew is applied on top).
    func now() -> Date

    /// Returns at `deadline` (at once if it passed); throws `CancellationError` when cancelled.
    func sleep(until deadline: Date) async throws
}

/// The wall clock and `Task.sleep`.
public struct SystemPollClock: PollClock {
    /// Creates the wall clock.
    public init() {}

    public func now() -> Date { Date() }

    public func sleep(until deadline: Date) async throws {
        let seconds = deadline.timeIntervalSinceNow
        if seconds > 0 { try await Task.sleep(for: .milliseconds(Int64((seconds * 1000).rounded(.up)))) }
        try Task.checkCancellation()
    }
}
