import HookHTTPTypes
import HookRetry
import Testing

/// Numbers from remote peers never trap and never make us wait past a policy's cap (issue 12 item 1).
@Suite("Remote numbers: clamped and saturating")
struct RemoteNumbersTests {
    @Test("a server-requested wait is clamped to the server cap, however large")
    func serverWaitIsClamped() {
        let backoff = Backoff(base: .seconds(1), cap: .seconds(30), maxAttempts: 8, serverCap: .seconds(60))
        for requested: Duration in [.seconds(10_000_000_000_000_000), .seconds(Int64.max), .seconds(86_400), .seconds(61)] {
            let delay = backoff.delay(attempt: 1, serverRequested: requested, random: { $0.upperBound })
            #expect(delay == .seconds(60), "requested \(requested)")
        }
        #expect(Backoff(serverCap: .seconds(Int64.max)).serverCap == Saturating.maxServerWait)
        #expect(backoff.delay(attempt: 1, serverRequested: .seconds(10), random: { $0.lowerBound }) == .seconds(10))
        #expect(backoff.delay(attempt: 1, serverRequested: .seconds(-5), random: { $0.upperBound }) == .zero)
        // The exponential rule at absurd attempt numbers stays within the cap too.
        #expect(backoff.delay(attempt: Int.max, serverRequested: nil, random: { $0.upperBound }) == .seconds(30))
        #expect(backoff.delay(attempt: Int.min, serverRequested: nil, random: { $0.upperBound }) == .seconds(1))
    }

    @Test("Retry-After in seconds: any digit run is read saturating and clamped to a day")
    func retryAfterSeconds() {
        #expect(RetryAfter.parse(header: "120") == .seconds(120))
        #expect(RetryAfter.parse(header: " 7\t") == .seconds(7))
        #expect(RetryAfter.parse(header: "10000000000000000") == Saturating.maxServerWait)
        #expect(RetryAfter.parse(header: String(repeating: "9", count: 200)) == Saturating.maxServerWait)
        #expect(RetryAfter.parse(header: String(repeating: "9", count: 300)) == nil, "over 256 bytes is not a header we read")
        for junk in ["-1", "1e30", "NaN", "12s", "0x10", "", "   "] {
            #expect(RetryAfter.parse(header: junk) == nil, "\(junk)")
        }
    }

    @Test("Retry-After as a date: measured against now, past is zero, absurd years refused")
    func retryAfterDate() {
        let now: Int64 = 1_795_935_570  // Sun, 29 Nov 2026 06:59:30 GMT
        #expect(RetryAfter.parse(header: "Sun, 29 Nov 2026 07:00:30 GMT", nowSeconds: now) == .seconds(60))
        #expect(RetryAfter.parse(header: "Sun, 06 Nov 1994 08:49:37 GMT", nowSeconds: now) == .zero)
        #expect(RetryAfter.parse(header: "Fri, 31 Dec 9999 23:59:59 GMT", nowSeconds: now) == Saturating.maxServerWait)
        #expect(RetryAfter.parse(header: "Fri, 31 Dec 99999 23:59:59 GMT", nowSeconds: now) == nil)
        #expect(RetryAfter.parse(header: "Fri, 31 Dec 9223372036854775807 23:59:59 GMT", nowSeconds: now) == nil)
        #expect(RetryAfter.parse(header: "Fri, 31 Dec 2026 23:59:59 GMT", nowSeconds: .min) == Saturating.maxServerWait)
    }

    @Test("the start throttle's text: long numbers saturate instead of overflowing")
    func retryAfterMessage() {
        #expect(RetryAfter.parse(message: "Please retry again after 14m 56s") == .seconds(896))
        #expect(RetryAfter.parse(message: "Retry again after 1h 2m 3s.") == .seconds(3723))
        let huge = "retry again after " + String(repeating: "9", count: 5_000) + "h"
        #expect(RetryAfter.parse(message: huge) == nil, "the digits run past the 4 KB we read: no unit, no wait")
        #expect(RetryAfter.parse(message: "retry again after 99999999999999999999h 99999999999999999999m") == Saturating.maxServerWait)
        #expect(RetryAfter.parse(message: "retry again after 9223372036854775807s") == Saturating.maxServerWait)
        #expect(RetryAfter.parse(message: "retry again after soon") == nil)
        #expect(RetryAfter.parse(message: "retry again after ٣s") == nil, "only ASCII digits count")
    }

    @Test("HTTPDate reads four-digit years only; no year can overflow the day arithmetic")
    func httpDateYears() {
        #expect(HTTPDate(imfFixdate: "Sun, 06 Nov 1994 08:49:37 GMT")?.secondsSince1970 == 784_111_777)
        #expect(HTTPDate(imfFixdate: "Fri, 31 Dec 9999 23:59:59 GMT")?.secondsSince1970 == 253_402_300_799)
        for text in ["Fri, 31 Dec 99999 23:59:59 GMT", "Fri, 31 Dec 999999999999999999 23:59:59 GMT",
                     "Fri, 31 Dec 1969 23:59:59 GMT", "Fri, 31 Dec 0999 23:59:59 GMT", "Fri, 31 Dec -2026 23:59:59 GMT"] {
            #expect(HTTPDate(imfFixdate: text) == nil, "\(text)")
        }
    }

    @Test("saturating helpers")
    func saturatingHelpers() {
        #expect(Saturating.milliseconds(.seconds(Int64.max)) == .max)
        #expect(Saturating.milliseconds(.seconds(-3)) == 0)
        #expect(Saturating.milliseconds(.milliseconds(1_500)) == 1_500)
        #expect(Saturating.add(.max, 1) == .max)
        #expect(Saturating.add(.min, -1) == .min)
        #expect(Saturating.multiply(.max, -2) == .min)
        #expect(Saturating.appendDigit(.max, 9) == .max)
        #expect(Saturating.duration(seconds: .nan) == .zero)
        #expect(Saturating.duration(seconds: .infinity) == Saturating.maxServerWait)
        #expect(Saturating.duration(seconds: 1e300, limit: .seconds(5)) == .seconds(5))
    }
}
