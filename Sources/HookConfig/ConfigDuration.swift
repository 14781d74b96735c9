/// Parses and prints the duration syntax of the config file.
///
/// Accepted forms: `30s`, `5m`, `1h`, `2d`, `250ms`, combinations in descending unit order such as
/// `1h30m` or `1d12h`, and a bare non-negative integer meaning seconds (`90` = 90 s).
/// Fractions, signs and spaces are rejected so that a typo cannot silently become a different value.
public enum ConfigDuration {
    /// The units, largest first, with their length in milliseconds.
    private static let units: [(suffix: String, milliseconds: Int64)] = [
        ("d", 86_400_000), ("h", 3_600_000), ("m", 60_000), ("s", 1_000), ("ms", 1),
    ]

    /// Parses `text`; returns nil for anything that is not a valid, non-overflowing duration.
    public static func parse(_ text: String) -> Duration? {
        let bytes = Array(text.utf8)
        guard !bytes.isEmpty else { return nil }
        if bytes.allSatisfy(isDigit) {
            guard let seconds = number(bytes[...]) else { return nil }
            return .seconds(seconds)
        }
        var total: Int64 = 0
        var index = 0
        // Each unit may appear once and only after every larger unit, so `5m1h` is a typo, not 65 min.
        var nextAllowedUnit = 0
        while index < bytes.count {
            let digitsStart = index
            while index < bytes.count, isDigit(bytes[index]) { index += 1 }
            guard index > digitsStart, let amount = number(bytes[digitsStart..<index]) else { return nil }
            let unitStart = index
            while index < bytes.count, !isDigit(bytes[index]) { index += 1 }
            let suffix = String(decoding: bytes[unitStart..<index], as: UTF8.self)
            guard let unitIndex = units.firstIndex(where: { $0.suffix == suffix }),
                  unitIndex >= nextAllowedUnit else { return nil }
            nextAllowedUnit = unitIndex + 1
            let (part, overflowA) = amount.multipliedReportingOverflow(by: units[unitIndex].milliseconds)
            let (sum, overflowB) = total.addingReportingOverflow(part)
            guard !overflowA, !overflowB else { return nil }
            total = sum
        }
        return .milliseconds(total)
    }

    /// Prints `duration` in the same syntax, largest units first (`1h30m`, `45s`, `0s`).
    /// Sub-millisecond parts, which the syntax cannot express, are dropped.
    public static func format(_ duration: Duration) -> String {
        var remaining = milliseconds(duration)
        guard remaining > 0 else { return "0s" }
        var text = ""
        for unit in units where remaining >= unit.milliseconds {
            text += "\(remaining / unit.milliseconds)\(unit.suffix)"
            remaining %= unit.milliseconds
        }
        return text
    }

    /// Whole milliseconds in `duration`, saturating instead of overflowing.
    static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        let (scaled, overflow) = seconds.multipliedReportingOverflow(by: 1_000)
        guard !overflow else { return seconds < 0 ? .min : .max }
        return scaled + attoseconds / 1_000_000_000_000_000
    }

    private static func isDigit(_ byte: UInt8) -> Bool {
        byte >= UInt8(ascii: "0") && byte <= UInt8(ascii: "9")
    }

    /// A decimal number of at most 18 digits (so it fits in Int64 before unit scaling).
    private static func number(_ digits: ArraySlice<UInt8>) -> Int64? {
        guard !digits.isEmpty, digits.count <= 18 else { return nil }
        return Int64(String(decoding: digits, as: UTF8.self))
    }
}
