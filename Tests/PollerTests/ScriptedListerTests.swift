import Foundation
import HookLedger
import HookManagementAPI
import HookPoller
import HookTestSupport
import Synchronization
import Testing

/// A lister whose server is `skew` seconds ahead and refuses windows ending after its now (AF20055-style)
/// until the skew is "measured" by the first refusal, as a `Date` header would.
final class ScriptedLister: ContentLister {
    let tenantId = tenantA
    private let state = Mutex<(measured: Bool, calls: [PollWindow])>((false, []))
    let skew: TimeInterval
    let refuseAlways: Bool

    init(skew: TimeInterval, refuseAlways: Bool = false) {
        self.skew = skew
        self.refuseAlways = refuseAlways
    }

    var skewSeconds: TimeInterval { self.state.withLock { $0.measured } ? self.skew : 0 }
    var calls: [PollWindow] { self.state.withLock { $0.calls } }

    func list(_ contentType: String, window: PollWindow) async throws -> (notices: [BlobNotice], pages: Int) {
        let serverNow = Date().addingTimeInterval(self.skew)
        let refused = self.state.withLock { state in
            state.calls.append(window)
            state.measured = true
            return self.refuseAlways || window.end > serverNow.addingTimeInterval(5)
        }
        if refused {
            throw ManagementAPIError(status: 400, code: "AF20055", message: "start time prior to end time", operation: "content")
        }
        return ([], 1)
    }
}

@Suite struct ScriptedListerTests {
    @Test func af20055IsCorrectedToTheServersClockAndTheWatermarkFollowsTheListedWindow() async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            // Our clock is 20 minutes ahead of the server's: the planned window ends in its future.
            let lister = ScriptedLister(skew: -1200)
            let runner = PollRunner(ledger: ledger, watermarks: ledger, planner: WindowPlanner(initialLookback: 3600))
            let report = try await runner.poll(lister, contentType: "Audit.General", localNow: Date())
            #expect(report.corrections == 1)
            // Refused, corrected, then (the skew having moved) one more pass from the new watermark.
            #expect(lister.calls.count == 3)
            #expect(lister.calls[1].end <= Date().addingTimeInterval(-1199))
            let watermark = try #require(try await ledger.watermark(tenantId: tenantA, contentType: "Audit.General"))
            // The watermark is the corrected end (server time), never the refused one.
            #expect(watermark == lister.calls.last?.end)
            #expect(watermark < Date().addingTimeInterval(-1100))
            await ledger.close()
        }
    }

    @Test func aWindowStillRefusedAfterCorrectionFailsAndKeepsTheWatermark() async throws {
        try await withTemporaryDirectory { directory in
            let ledger = try await SQLiteLedger.open(path: directory.appendingPathComponent("state.sqlite").path)
            let lister = ScriptedLister(skew: -1200, refuseAlways: true)
            let runner = PollRunner(ledger: ledger, watermarks: ledger, planner: WindowPlanner(initialLookback: 3600))
            await #expect(throws: PollError.self) {
                try await runner.poll(lister, contentType: "Audit.General", localNow: Date())
            }
            #expect(lister.calls.count == 2)
            #expect(try await ledger.watermark(tenantId: tenantA, contentType: "Audit.General") == nil)
            await ledger.close()
        }
    }
}
