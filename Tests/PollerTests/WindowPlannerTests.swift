import Foundation
import HookPoller
import Testing

private let hour: TimeInterval = 3600
private let day: TimeInterval = 86_400
/// A fixed "server now" with a fractional second, to check the whole-second rounding.
private let now = Date(timeIntervalSince1970: 1_790_000_000.4)

@Suite struct WindowPlannerTests {
    let planner = WindowPlanner(overlap: 900, initialLookback: day)

    @Test func firstRunStartsAtTheInitialLookbackAndEndsAtNow() throws {
        let windows = self.planner.pollWindows(watermark: nil, serverNow: now)
        let window = try #require(windows.first)
        #expect(windows.count == 1)
        #expect(window.start == Date(timeIntervalSince1970: 1_790_000_001 - day))
        #expect(window.end == Date(timeIntervalSince1970: 1_790_000_001))
    }

    @Test func laterRunsStartAtTheWatermarkMinusTheOverlap() throws {
        let watermark = Date(timeIntervalSince1970: 1_789_999_700)
        let window = try #require(self.planner.pollWindows(watermark: watermark, serverNow: now).first)
        #expect(window.start == watermark.addingTimeInterval(-900))
        #expect(window.seconds == 1201)
    }

    @Test func longRangesSplitIntoContiguousWindowsOfAtMost24Hours() {
        let planner = WindowPlanner(overlap: 0, initialLookback: 7 * day)
        let windows = planner.pollWindows(watermark: nil, serverNow: now)
        // 7 days minus the 10-minute margin: six full days and one of 23 h 50 m.
        #expect(windows.count == 7)
        #expect(windows.allSatisfy { $0.seconds <= day && $0.seconds > 0 })
        #expect(zip(windows, windows.dropFirst()).allSatisfy { $0.end == $1.start })
        #expect(windows.first?.start == planner.earliestStart(serverNow: now))
        #expect(windows.last?.end == Date(timeIntervalSince1970: 1_790_000_001))
    }

    @Test func neverStartsEarlierThanSevenDaysMinusTheMargin() {
        let stale = now.addingTimeInterval(-30 * day)
        let windows = self.planner.pollWindows(watermark: stale, serverNow: now)
        let earliest = self.planner.earliestStart(serverNow: now)
        #expect(windows.first?.start == earliest)
        #expect(now.timeIntervalSince(earliest) <= 7 * day - 600)
        #expect(now.timeIntervalSince(earliest) > 7 * day - 601)
    }

    @Test func aWatermarkAheadOfNowPlansOnlyTheOverlap() {
        // Our clock was ahead once; the server's now is what counts, and the overlap still re-lists.
        let windows = self.planner.pollWindows(watermark: now.addingTimeInterval(600), serverNow: now)
        #expect(windows.count == 1)
        #expect(windows.first.map { $0.seconds } == 301)
        #expect(self.planner.pollWindows(watermark: now.addingTimeInterval(3 * hour), serverNow: now).isEmpty)
    }

    @Test func backfillRefusesEightDaysAndAcceptsSixDays23Hours() throws {
        #expect(throws: BackfillRangeError.self) {
            try self.planner.backfillWindows(since: now.addingTimeInterval(-8 * day), until: nil, serverNow: now)
        }
        let windows = try self.planner.backfillWindows(since: now.addingTimeInterval(-(6 * day + 23 * hour)), until: nil, serverNow: now)
        #expect(windows.count == 7)
        #expect(windows.last?.end == Date(timeIntervalSince1970: 1_790_000_001))
        #expect(throws: BackfillRangeError.self) {
            try self.planner.backfillWindows(since: now.addingTimeInterval(-hour), until: now.addingTimeInterval(-2 * hour), serverNow: now)
        }
    }

    @Test func backfillClampsUntilToTheServersNow() throws {
        let windows = try self.planner.backfillWindows(since: now.addingTimeInterval(-hour), until: now.addingTimeInterval(day), serverNow: now)
        #expect(windows == [PollWindow(start: Date(timeIntervalSince1970: 1_790_000_000 - hour), end: Date(timeIntervalSince1970: 1_790_000_001))])
    }

    @Test func correctionClampsToTheServersRangeWithoutSkipping() throws {
        // Our clock was 20 minutes ahead: the end lies in the server's future.
        let ahead = PollWindow(start: now.addingTimeInterval(-hour), end: now.addingTimeInterval(1200))
        let fixed = try #require(self.planner.corrected(ahead, serverNow: now))
        #expect(fixed.start == Date(timeIntervalSince1970: 1_790_000_000 - hour))
        #expect(fixed.end == Date(timeIntervalSince1970: 1_790_000_001))
        // Too old a start moves up to the limit; the end stays.
        let old = PollWindow(start: now.addingTimeInterval(-7 * day - 60), end: now.addingTimeInterval(-6 * day - 3600))
        let moved = try #require(self.planner.corrected(old, serverNow: now))
        #expect(moved.start == self.planner.earliestStart(serverNow: now))
        #expect(moved.end == old.end)
        // Entirely in the future: nothing listable remains.
        #expect(self.planner.corrected(PollWindow(start: now.addingTimeInterval(60), end: now.addingTimeInterval(120)), serverNow: now) == nil)
    }

    @Test func scheduleSpreadsKeysOverTheIntervalDeterministically() {
        let fractions = (0..<50).flatMap { tenant in
            ["Audit.General", "Audit.Exchange", "Audit.SharePoint", "Audit.AzureActiveDirectory", "DLP.All"].map {
                PollSchedule.fraction("tenant-\(tenant)|\($0)")
            }
        }
        #expect(fractions.allSatisfy { $0 >= 0 && $0 < 1 })
        #expect(PollSchedule.fraction("a|Audit.General") == PollSchedule.fraction("a|Audit.General"))
        // 250 keys over 10 buckets: every tenth of the interval gets some, none gets a third of them.
        var buckets = [Int](repeating: 0, count: 10)
        for fraction in fractions { buckets[Int(fraction * 10)] += 1 }
        #expect(buckets.allSatisfy { $0 > 5 && $0 < 80 })
    }
}
