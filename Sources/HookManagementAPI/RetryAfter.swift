import Foundation

/// Reads how long Microsoft wants us to wait: a `Retry-After` header (seconds or an HTTP date) or the
/// start throttle's message text "…Please retry again after 14m 56s" (reference §3.1).
public enum RetryAfter {
    /// `Retry-After: 120` → 120 s; an IMF-fixdate is measured against `now`. Nil when absent or unreadable.
    public static func parse(header: String?, now: Date = Date()) -> Duration? {
        guard let text = header?.trimmingCharacters(in: .whitespaces), !text.isEmpty else { return nil }
        if let seconds = Int64(text), seconds >= 0 { return .seconds(seconds) }
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = TimeZone(identifier: "GMT")
        formatter.dateFormat = "EEE, dd MMM yyyy HH:mm:ss zzz"
        guard let date = formatter.date(from: text) else { return nil }
        return .seconds(max(0, Int64(date.timeIntervalSince(now).rounded(.up))))
    }

    /// Finds "retry again after [Nh] [Nm] [Ns]" (case-insensitive) in `message`.
    public static func parse(message: String) -> Duration? {
        let lowered = message.lowercased()
        guard let range = lowered.range(of: "retry again after") else { return nil }
        var total: Int64 = 0
        var matched = false
        var number: Int64?
        for character in lowered[range.upperBound...] {
            if let digit = character.wholeNumberValue {
                number = (number ?? 0) * 10 + Int64(digit)
                continue
            }
            if let value = number {
                switch character {
                case "h": total += value * 3600
                case "m": total += value * 60
                case "s": total += value
                default: return matched ? .seconds(total) : nil
                }
                matched = true
                number = nil
            } else if character != " " {
                break
            }
        }
        return matched ? .seconds(total) : nil
    }
}
