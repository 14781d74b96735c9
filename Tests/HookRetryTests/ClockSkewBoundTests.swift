import Foundation
import HookEntraAuth
import HookHTTPTypes
import Testing

/// A `Date` header further than a day from our clock is ignored and counted, so no peer can move a poll
/// watermark or an assertion's time by more than that (issue 12 item 1).
@Suite("Clock skew is bounded")
struct ClockSkewBoundTests {
    static let local = Date(timeIntervalSince1970: 1_795_935_570)

    @Test("a plausible skew is believed; one beyond a day is ignored and the last good value kept")
    func boundedSkew() {
        let skew = ClockSkew(localClock: { Self.local })
        let now = Int64(Self.local.timeIntervalSince1970)
        skew.observe(HTTPDate(secondsSince1970: now + 90))
        #expect(skew.seconds == 90)
        skew.observe(HTTPDate(secondsSince1970: now + 86_401))
        skew.observe(HTTPDate(secondsSince1970: now - 10 * 86_400))
        skew.observe(HTTPDate(imfFixdate: "Fri, 31 Dec 9999 23:59:59 GMT"))
        #expect(skew.seconds == 90, "the implausible headers did not move the estimate")
        #expect(skew.ignoredObservations == 3)
        #expect(abs(skew.serverNow().timeIntervalSince(Self.local) - 90) < 0.001)
        skew.observe(HTTPDate(secondsSince1970: now + 86_400))
        #expect(skew.seconds == 86_400, "exactly a day is still believed")
        skew.observe(HTTPDate(secondsSince1970: now + 1))
        #expect(skew.seconds == 0, "under two seconds counts as none")
    }
}
