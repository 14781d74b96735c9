/// Conversions between `Duration` and plain numbers that can never trap, for waits and deadlines computed
/// from what a remote peer said (docs/remote-input.md: every number from a peer is bounded before use).
///
/// Swift's integer arithmetic traps on overflow and `Int64(someDouble)` traps past `Int64.max`, so a
/// `Retry-After: 10000000000000000` fed through `seconds × 1.1 × 1000` used to kill the process. Everything
/// here clamps instead: NaN and negative values become zero, huge ones the largest representable value.
public enum Saturating {
    /// The longest wait any peer can make us consider: one day. Microsoft's own longest documented wait
    /// (the start throttle's "retry again after 14m 56s") is far below it; anything longer is a lie or a bug,
    /// and each caller clamps further to its own policy's cap.
    public static let maxServerWait: Duration = .seconds(86_400)

    /// `duration` in seconds, as a Double (exact to well below a microsecond for any sane wait).
    public static func seconds(_ duration: Duration) -> Double {
        let (seconds, attoseconds) = duration.components
        return Double(seconds) + Double(attoseconds) / 1e18
    }

    /// A Duration of `seconds`, clamped to `[0, limit]`; NaN is zero.
    public static func duration(seconds: Double, limit: Duration = Saturating.maxServerWait) -> Duration {
        guard seconds.isFinite || seconds == .infinity, seconds > 0 else { return .zero }
        let cap = Self.seconds(limit)
        if seconds >= cap { return limit }
        return .milliseconds(Int64((seconds * 1000).rounded(.up)))
    }

    /// Whole milliseconds of `duration`, saturating at `Int64.max` (negative durations are zero).
    public static func milliseconds(_ duration: Duration) -> Int64 {
        let (seconds, attoseconds) = duration.components
        guard seconds >= 0 else { return 0 }
        let (whole, overflow) = seconds.multipliedReportingOverflow(by: 1000)
        if overflow { return .max }
        let (total, carry) = whole.addingReportingOverflow(attoseconds / 1_000_000_000_000_000)
        return carry ? .max : total
    }

    /// `a + b`, saturating at the bounds of Int64 (deadlines in epoch milliseconds).
    public static func add(_ a: Int64, _ b: Int64) -> Int64 {
        let (sum, overflow) = a.addingReportingOverflow(b)
        return overflow ? (b > 0 ? .max : .min) : sum
    }

    /// `a × b`, saturating at the bounds of Int64.
    public static func multiply(_ a: Int64, _ b: Int64) -> Int64 {
        let (product, overflow) = a.multipliedReportingOverflow(by: b)
        return overflow ? ((a < 0) == (b < 0) ? .max : .min) : product
    }

    /// Appends decimal `digit` to `value`, saturating at `Int64.max` (reading arbitrarily long digit runs).
    public static func appendDigit(_ value: Int64, _ digit: Int) -> Int64 {
        Self.add(Self.multiply(value, 10), Int64(digit))
    }
}
