import Foundation
import HookHTTPClient
import Logging
import Synchronization

/// How far Microsoft's clock is ahead of ours, measured from `Date` headers, so that time windows and
/// client assertions are computed in the server's time (docs/remote-input.md: windows are checked there).
///
/// Bounded: a measured skew beyond ``maxSkew`` (one day) is a broken or lying peer, not a clock, so it is
/// logged, counted and ignored, and the estimate keeps its last good value. Poll watermarks and assertion
/// times therefore never move by more than a day, whatever a `Date` header says.
public final class ClockSkew: Sendable {
    /// The largest skew believed: beyond it a `Date` header is ignored.
    public static let maxSkew: TimeInterval = 86_400

    private let state = Mutex<(offset: TimeInterval, ignored: Int)>((0, 0))
    private let localClock: @Sendable () -> Date
    private let logger: Logger

    /// Creates a skew tracker; `localClock` is this machine's clock (injectable for tests).
    public init(localClock: @escaping @Sendable () -> Date = { Date() },
                logger: Logger = Logger(label: "activityhook.clock-skew")) {
        self.localClock = localClock
        self.logger = logger
    }

    /// Server time minus local time, in seconds (positive: Microsoft is ahead).
    public var seconds: TimeInterval { self.state.withLock { $0.offset } }

    /// `Date` headers ignored because they were more than ``maxSkew`` away from this machine's clock.
    public var ignoredObservations: Int { self.state.withLock { $0.ignored } }

    /// Our best estimate of the server's current time.
    public func serverNow() -> Date { self.localClock().addingTimeInterval(self.seconds) }

    /// Records the `Date` header of a response. `Date` has one-second resolution, so differences under two
    /// seconds are treated as none rather than letting every response nudge the estimate.
    public func observe(_ date: HTTPDate?) {
        guard let date else { return }
        let measured = Double(date.secondsSince1970) - self.localClock().timeIntervalSince1970
        guard abs(measured) <= Self.maxSkew else {
            let count = self.state.withLock { state -> Int in
                state.ignored += 1
                return state.ignored
            }
            // The first and then every 100th, so a peer that always lies cannot flood the log.
            if count == 1 || count % 100 == 0 {
                self.logger.error("implausible Date header ignored", metadata: [
                    "skew_seconds": "\(Int64(measured.rounded()))", "limit_seconds": "\(Int64(Self.maxSkew))",
                    "ignored_total": "\(count)",
                ])
            }
            return
        }
        self.state.withLock { state in
            state.offset = abs(measured) < 2 ? 0 : measured
        }
    }
}
