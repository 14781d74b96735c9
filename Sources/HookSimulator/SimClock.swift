import Foundation
import Synchronization

/// The simulator's notion of "now": wall time plus an offset that tests move forward, so token,
/// content and webhook expiry and the 7-day rules are tested without sleeping.
public final class SimClock: Sendable {
    private let offsetMilliseconds = Atomic<Int64>(0)

    public init() {}

    /// The simulated current time.
    public var now: Date {
        Date().addingTimeInterval(Double(self.offsetMilliseconds.load(ordering: .relaxed)) / 1000)
    }

    /// Moves the simulated time forward (or back, with a negative value).
    public func advance(seconds: Double) {
        self.offsetMilliseconds.add(Int64(seconds * 1000), ordering: .relaxed)
    }

    /// Resets the offset to zero.
    public func reset() { self.offsetMilliseconds.store(0, ordering: .relaxed) }
}

/// Wire formats of times, written and parsed by hand (the hot paths render thousands per blob).
enum SimTime {
    struct Parts { var year, month, day, hour, minute, second, millisecond: Int }

    static func parts(_ date: Date) -> Parts {
        let total = date.timeIntervalSince1970
        var seconds = time_t(total.rounded(.down))
        let millisecond = Int(((total - Double(seconds)) * 1000).rounded(.down))
        var tm = tm()
        gmtime_r(&seconds, &tm)
        return Parts(year: Int(tm.tm_year) + 1900, month: Int(tm.tm_mon) + 1, day: Int(tm.tm_mday),
                     hour: Int(tm.tm_hour), minute: Int(tm.tm_min), second: Int(tm.tm_sec), millisecond: millisecond)
    }

    private static func pad(_ value: Int, _ width: Int) -> String {
        let text = String(value)
        return text.count >= width ? text : String(repeating: "0", count: width - text.count) + text
    }

    /// `2015-05-23T17:35:00.000Z`, the format of `contentCreated` and `contentExpiration` (§6.1).
    static func iso(_ date: Date) -> String {
        let p = parts(date)
        return "\(p.year)-\(pad(p.month, 2))-\(pad(p.day, 2))T\(pad(p.hour, 2)):\(pad(p.minute, 2)):\(pad(p.second, 2)).\(pad(p.millisecond, 3))Z"
    }

    /// `2015-06-29T20:03:19`: a record's `CreationTime`, with no zone and no fraction (§7.1).
    static func creationTime(_ date: Date) -> String {
        let p = parts(date)
        return "\(p.year)-\(pad(p.month, 2))-\(pad(p.day, 2))T\(pad(p.hour, 2)):\(pad(p.minute, 2)):\(pad(p.second, 2))"
    }

    /// `YYYY-MM-DDTHH:MM:SS` as used in `NextPageUri` query values.
    static func queryTime(_ date: Date) -> String { creationTime(date) }

    /// The digits-only stamp at the start of a content id: `20171014180051748`.
    static func stamp(_ date: Date) -> String {
        let p = parts(date)
        return "\(p.year)\(pad(p.month, 2))\(pad(p.day, 2))\(pad(p.hour, 2))\(pad(p.minute, 2))\(pad(p.second, 2))\(pad(p.millisecond, 3))"
    }

    /// An IMF-fixdate for the `Date` header: `Sun, 06 Nov 1994 08:49:37 GMT`.
    static func httpDate(_ date: Date) -> String {
        var seconds = time_t(date.timeIntervalSince1970.rounded(.down))
        var tm = tm()
        gmtime_r(&seconds, &tm)
        let days = ["Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"]
        let months = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
        return "\(days[Int(tm.tm_wday)]), \(pad(Int(tm.tm_mday), 2)) \(months[Int(tm.tm_mon)]) \(tm.tm_year + 1900) "
            + "\(pad(Int(tm.tm_hour), 2)):\(pad(Int(tm.tm_min), 2)):\(pad(Int(tm.tm_sec), 2)) GMT"
    }

    /// Parses the documented query formats `YYYY-MM-DD`, `YYYY-MM-DDTHH:MM`, `YYYY-MM-DDTHH:MM:SS`,
    /// plus what real clients send: a fraction and a trailing `Z` (§6.1). Nil for anything else.
    static func parseQuery(_ text: String) -> Date? {
        var rest = Substring(text)
        if rest.hasSuffix("Z") || rest.hasSuffix("z") { rest = rest.dropLast() }
        var fraction = 0.0
        if let dot = rest.firstIndex(of: ".") {
            guard let value = Double("0" + rest[dot...]) else { return nil }
            fraction = value
            rest = rest[..<dot]
        }
        let bytes = Array(rest.utf8)
        func number(_ from: Int, _ count: Int) -> Int? {
            guard from + count <= bytes.count else { return nil }
            var value = 0
            for byte in bytes[from..<(from + count)] {
                guard byte >= 0x30 && byte <= 0x39 else { return nil }
                value = value * 10 + Int(byte - 0x30)
            }
            return value
        }
        guard [10, 16, 19].contains(bytes.count), bytes.count < 11 || bytes[10] == UInt8(ascii: "T") || bytes[10] == UInt8(ascii: " "),
              bytes[4] == UInt8(ascii: "-"), bytes[7] == UInt8(ascii: "-"),
              let year = number(0, 4), let month = number(5, 2), let day = number(8, 2),
              (1...12).contains(month), (1...31).contains(day)
        else { return nil }
        var hour = 0, minute = 0, second = 0
        if bytes.count >= 16 {
            guard bytes[13] == UInt8(ascii: ":"), let h = number(11, 2), let m = number(14, 2), h < 24, m < 60 else { return nil }
            hour = h
            minute = m
        }
        if bytes.count == 19 {
            guard bytes[16] == UInt8(ascii: ":"), let s = number(17, 2), s < 61 else { return nil }
            second = s
        }
        var tm = tm()
        tm.tm_year = Int32(year - 1900)
        tm.tm_mon = Int32(month - 1)
        tm.tm_mday = Int32(day)
        tm.tm_hour = Int32(hour)
        tm.tm_min = Int32(minute)
        tm.tm_sec = Int32(second)
        return Date(timeIntervalSince1970: Double(timegm(&tm)) + fraction)
    }
}
