import Foundation
import HookHTTPClient
import Synchronization

/// How far Microsoft's clock is ahead of ours, measured from `Date` headers, so that time windows and
/// client assertions are computed in the server's time (reference §6.1: windows are checked there).
public final class ClockSkew: Sendable {
    private let offset = Mutex<TimeInterval>(0)
    private let localClock: @Sendable () -> Date

    /// Creates a skew tracker; `localClock` is this machine's clock (injectable for tests).
    public init(localClock: @escaping @Sendable () -> Date = { Date() }) {
        self.localClock = localClock
    }

    /// Server time minus local time, in seconds (positive: Microsoft is ahead).
    public var seconds: TimeInterval { self.offset.withLock { $0 } }

    /// Our best estimate of the server's current time.
    public func serverNow() -> Date { self.localClock().addingTimeInterval(self.seconds) }

    /// Records the `Date` header of a response. `Date` has one-second resolution, so differences under two
    /// seconds are treated as none rather than letting every response nudge the estimate.
    public func observe(_ date: HTTPDate?) {
        guard let date else { return }
        let measured = Double(date.secondsSince1970) - self.localClock().timeIntervalSince1970
        self.offset.withLock { value in
            value = abs(measured) < 2 ? 0 : measured
        }
    }
}
