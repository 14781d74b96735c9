import Foundation

/// One `/subscriptions/content` query range, `start <= contentCreated < end`, in the server's time.
public struct PollWindow: Sendable, Hashable, CustomStringConvertible {
    /// Inclusive start.
    public var start: Date
    /// Exclusive end.
    public var end: Date

    /// Creates a window.
    public init(start: Date, end: Date) {
        self.start = start
        self.end = end
    }

    /// The window's length in seconds.
    public var seconds: TimeInterval { self.end.timeIntervalSince(self.start) }

    public var description: String { "[\(self.start.ISO8601Format()), \(self.end.ISO8601Format()))" }
}

/// Why a backfill range cannot be served.
public struct BackfillRangeError: Error, CustomStringConvertible, Sendable {
    /// What is wrong and what would work.
    public var message: String

    /// Creates an error.
    public init(_ message: String) { self.message = message }

    public var description: String { self.message }
}
