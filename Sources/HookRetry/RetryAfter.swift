import HookHTTPTypes

/// Reads how long a server wants us to wait: a `Retry-After` header (seconds or an HTTP date) or the
/// Management API start throttle's message text "…Please retry again after 14m 56s" (docs/remote-input.md).
///
/// Tolerant and bounded: any run of digits is read with saturating arithmetic, and every answer is clamped
/// to ``Saturating/maxServerWait`` (one day). Callers clamp again to their own policy's cap.
public enum RetryAfter {
    /// `Retry-After: 120` → 120 s; an IMF-fixdate is measured against `nowSeconds` (seconds since 1970).
    /// Nil when absent or unreadable. A date in the past is zero.
    public static func parse(header: String?, nowSeconds: Int64) -> Duration? {
        guard let header else { return nil }
        let text = header.trimmingSpacesAndTabs()
        guard !text.isEmpty, text.utf8.count <= 256 else { return nil }
        if text.utf8.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 }) {
            var seconds: Int64 = 0
            for byte in text.utf8 { seconds = Saturating.appendDigit(seconds, Int(byte - 0x30)) }
            return Self.clamped(seconds)
        }
        guard let date = HTTPDate(imfFixdate: text) else { return nil }
        return Self.clamped(max(0, Saturating.add(date.secondsSince1970, Saturating.multiply(nowSeconds, -1))))
    }

    /// The same, measured against this machine's clock.
    public static func parse(header: String?) -> Duration? {
        Self.parse(header: header, nowSeconds: HTTPDate.nowSeconds())
    }

    /// Finds "retry again after [Nh] [Nm] [Ns]" (case-insensitive) in `message`.
    public static func parse(message: String) -> Duration? {
        let lowered = Array(message.prefix(4096).lowercased())
        guard let start = Self.index(after: Array("retry again after"), in: lowered) else { return nil }
        var total: Int64 = 0
        var matched = false
        var number: Int64?
        for character in lowered[start...] {
            if let digit = character.wholeNumberValue, character.isASCII {
                number = Saturating.appendDigit(number ?? 0, digit)
                continue
            }
            if let value = number {
                switch character {
                case "h": total = Saturating.add(total, Saturating.multiply(value, 3600))
                case "m": total = Saturating.add(total, Saturating.multiply(value, 60))
                case "s": total = Saturating.add(total, value)
                default: return matched ? Self.clamped(total) : nil
                }
                matched = true
                number = nil
            } else if character != " " {
                break
            }
        }
        return matched ? Self.clamped(total) : nil
    }

    /// The index just past the first occurrence of `needle` in `haystack`.
    private static func index(after needle: [Character], in haystack: [Character]) -> Int? {
        guard haystack.count >= needle.count else { return nil }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return start + needle.count }
        }
        return nil
    }

    private static func clamped(_ seconds: Int64) -> Duration {
        min(.seconds(max(0, seconds)), Saturating.maxServerWait)
    }
}

extension String {
    fileprivate func trimmingSpacesAndTabs() -> String {
        var slice = self[...]
        while let first = slice.first, first == " " || first == "\t" { slice = slice.dropFirst() }
        while let last = slice.last, last == " " || last == "\t" { slice = slice.dropLast() }
        return String(slice)
    }
}
