import Foundation

/// `contentCreated`/`contentExpiration` strings for notices sent to a real `serve`, which refuses dates
/// that are implausible *now* (more than 7 days old, or in the future): created an hour ago, expiring 7 days later.
public enum NoticeDates {
    /// Both strings, in Microsoft's `YYYY-MM-DDTHH:MM:SS.fffZ` form.
    public static func current(now: Date = Date()) -> (created: String, expiration: String) {
        let created = now.addingTimeInterval(-3600)
        return (self.iso(created), self.iso(created.addingTimeInterval(7 * 24 * 3600)))
    }

    static func iso(_ date: Date) -> String {
        let formatter = ISO8601DateFormatter()
        formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        return formatter.string(from: date)
    }
}
