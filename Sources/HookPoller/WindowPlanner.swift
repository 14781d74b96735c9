import Foundation

/// Plans the listing windows of a poll or a backfill (reference §6.1): at most 24 hours each, never
/// starting more than 7 days (minus a safety margin) before the server's now, never ending after it.
///
/// Pure: every time is passed in, already corrected for the clock skew measured by the API client.
public struct WindowPlanner: Sendable {
    /// How far each poll reaches back before the stored watermark (late availability, clock differences).
    public var overlap: TimeInterval
    /// Where the first poll of a new tenant × content type starts, before now (clamped to the 7-day limit).
    public var initialLookback: TimeInterval
    /// The API's limit: start at most this far before now.
    public var maxLookback: TimeInterval
    /// Kept clear of `maxLookback`, so that request delay and clock drift cannot turn it into AF20030.
    public var safetyMargin: TimeInterval
    /// The API's limit on one window.
    public var maxWindow: TimeInterval

    /// Creates a planner; the defaults are the API's limits and the config defaults.
    public init(overlap: TimeInterval = 900, initialLookback: TimeInterval = 86_400, maxLookback: TimeInterval = 7 * 86_400,
                safetyMargin: TimeInterval = 600, maxWindow: TimeInterval = 86_400) {
        self.overlap = overlap
        self.initialLookback = initialLookback
        self.maxLookback = maxLookback
        self.safetyMargin = safetyMargin
        self.maxWindow = maxWindow
    }

    /// The oldest start the API will accept at `serverNow`, with the safety margin.
    public func earliestStart(serverNow: Date) -> Date {
        wholeSeconds(serverNow.addingTimeInterval(-self.maxLookback + self.safetyMargin), up: true)
    }

    /// The windows of one poll: from `watermark − overlap` (or `serverNow − initialLookback` the first
    /// time) up to `serverNow`, clamped to the 7-day limit, in order; empty when there is nothing to list.
    public func pollWindows(watermark: Date?, serverNow: Date) -> [PollWindow] {
        // The first start counts back from the rounded end, so a 24 h lookback is one window, not 24 h + 1 s.
        let start = watermark.map { $0.addingTimeInterval(-self.overlap) }
            ?? wholeSeconds(serverNow, up: true).addingTimeInterval(-self.initialLookback)
        return self.split(from: start, to: serverNow, serverNow: serverNow)
    }

    /// The windows of a backfill of `[since, until)` (until defaults to now). A range the API cannot serve
    /// is refused, not silently shortened: the caller asked for data that is gone.
    public func backfillWindows(since: Date, until: Date?, serverNow: Date) throws -> [PollWindow] {
        let earliest = self.earliestStart(serverNow: serverNow)
        if since < earliest {
            throw BackfillRangeError("""
                --since \(since.ISO8601Format()) is older than the API can serve: content is kept for 7 days, \
                so the oldest start is \(earliest.ISO8601Format()) (7 days minus a \(Int(self.safetyMargin / 60))-minute margin)
                """)
        }
        let end = min(until ?? serverNow, serverNow)
        guard since < end else {
            throw BackfillRangeError("--since \(since.ISO8601Format()) must be before --until \(end.ISO8601Format())")
        }
        return self.split(from: since, to: end, serverNow: serverNow)
    }

    /// `window` made acceptable at `serverNow` after AF20030/AF20055: the start moves up to the 7-day limit,
    /// the end back to the server's now, the length down to 24 h. Nil only when nothing of it remains
    /// listable (it lies entirely in the future or entirely expired), never to skip listable time.
    public func corrected(_ window: PollWindow, serverNow: Date) -> PollWindow? {
        let start = max(wholeSeconds(window.start, up: false), self.earliestStart(serverNow: serverNow))
        var end = min(window.end, wholeSeconds(serverNow, up: true))
        end = min(end, start.addingTimeInterval(self.maxWindow))
        return start < end ? PollWindow(start: start, end: end) : nil
    }

    private func split(from requested: Date, to requestedEnd: Date, serverNow: Date) -> [PollWindow] {
        // Whole seconds: the API's formats stop at seconds, and NextPageUri repeats the window as sent. The
        // end rounds up so that content made in the current second is listed now (the API accepts an end
        // slightly in the future; only the start is bounded).
        var start = max(wholeSeconds(requested, up: false), self.earliestStart(serverNow: serverNow))
        let end = wholeSeconds(min(requestedEnd, serverNow), up: true)
        var windows: [PollWindow] = []
        while start < end {
            let next = min(start.addingTimeInterval(self.maxWindow), end)
            windows.append(PollWindow(start: start, end: next))
            start = next
        }
        return windows
    }
}

/// `date` rounded to a whole second (up or down).
func wholeSeconds(_ date: Date, up: Bool) -> Date {
    let seconds = date.timeIntervalSince1970
    return Date(timeIntervalSince1970: up ? seconds.rounded(.up) : seconds.rounded(.down))
}
