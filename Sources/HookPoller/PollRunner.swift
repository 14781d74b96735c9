import Foundation
import HookLedger
import HookManagementAPI

/// The one listing code path of the poller and `backfill`: list a window (every page), commit its blobs
/// to the ledger, and only then move the watermark (polls only). Idempotent: listing a window twice only
/// marks known blobs as seen again.
public struct PollRunner: Sendable {
    /// Where blobs go.
    public let ledger: any Ledger
    /// Where the poll watermarks live.
    public let watermarks: any WatermarkStore
    /// The window rules.
    public let planner: WindowPlanner

    /// Creates a runner.
    public init(ledger: any Ledger, watermarks: any WatermarkStore, planner: WindowPlanner) {
        self.ledger = ledger
        self.watermarks = watermarks
        self.planner = planner
    }

    /// One poll of `contentType`: from the stored watermark (minus the overlap) up to the server's now.
    /// Each window's blobs are committed before the watermark moves to its end; an error stops the poll
    /// with the watermark at the last complete window. AF20022/AF20023 are thrown for the lifecycle.
    public func poll(_ lister: any ContentLister, contentType: String, localNow: Date) async throws -> PollReport {
        let skewBefore = lister.skewSeconds
        var report = try await self.pollPass(lister, contentType: contentType, localNow: localNow)
        // The first request of a process measures Microsoft's clock; if it moved by more than a minute
        // the pass above ended at a stale "now", so list the rest at once rather than one interval later.
        if abs(lister.skewSeconds - skewBefore) > 60 {
            report.add(try await self.pollPass(lister, contentType: contentType, localNow: localNow))
        }
        return report
    }

    private func pollPass(_ lister: any ContentLister, contentType: String, localNow: Date) async throws -> PollReport {
        let serverNow = localNow.addingTimeInterval(lister.skewSeconds)
        let watermark = try await self.watermarks.watermark(tenantId: lister.tenantId, contentType: contentType)
        var report = PollReport()
        for window in self.planner.pollWindows(watermark: watermark, serverNow: serverNow) {
            let (listed, done, _) = try await self.listWindow(lister, contentType: contentType, window: window,
                                                           source: .poll, localNow: localNow)
            report.add(done)
            // Committed above; only now may the watermark pass this window.
            try await self.watermarks.advanceWatermark(tenantId: lister.tenantId, contentType: contentType,
                                                       to: listed.end, now: localNow)
            // A window cut short at the server's now means the rest of the plan lies in its future.
            if listed.end < window.end { break }
        }
        return report
    }

    /// A backfill of `windows` (from ``WindowPlanner/backfillWindows(since:until:serverNow:)``): the same
    /// listing and ledger path as a poll, with source `.backfill`; the watermark is left to the poller.
    /// `progress` is called after each window (committed) with the running totals and the window's blobs.
    public func backfill(_ lister: any ContentLister, contentType: String, windows: [PollWindow], localNow: @Sendable () -> Date,
                         progress: (PollReport, [BlobNotice]) async throws -> Void = { _, _ in }) async throws -> PollReport {
        var report = PollReport()
        for window in windows {
            let (_, done, notices) = try await self.listWindow(lister, contentType: contentType, window: window,
                                                               source: .backfill, localNow: localNow())
            report.add(done)
            try await progress(report, notices)
        }
        return report
    }

    /// Lists `window` completely and commits its blobs. AF20030/AF20055 get one retry with the window
    /// corrected to the server's clock; the window actually listed is returned (the watermark goes to
    /// its end, so a shortened window is continued next time, never skipped), with the blobs it listed.
    func listWindow(_ lister: any ContentLister, contentType: String, window: PollWindow, source: DiscoverySource,
                    localNow: Date) async throws -> (PollWindow, PollReport, [BlobNotice]) {
        var report = PollReport()
        var listedWindow = window
        let listing: (notices: [BlobNotice], pages: Int)
        do {
            listing = try await lister.list(contentType, window: window)
        } catch let error as ManagementAPIError where Self.isWindowError(error) {
            // The error's Date header has updated the skew: redo the window in the server's time.
            let serverNow = localNow.addingTimeInterval(lister.skewSeconds)
            guard let fixed = self.planner.corrected(window, serverNow: serverNow), fixed != window else {
                throw PollError.windowRefused(window, error)
            }
            report.corrections += 1
            listedWindow = fixed
            do {
                listing = try await lister.list(contentType, window: fixed)
            } catch let again as ManagementAPIError where Self.isWindowError(again) {
                throw PollError.windowRefused(fixed, again)
            }
        }
        let outcome = try await self.ledger.record(listing.notices, source: source, at: localNow)
        report.windows += 1
        report.pages += listing.pages
        report.newBlobs += outcome.inserted
        report.knownBlobs += outcome.duplicates
        return (listedWindow, report, listing.notices)
    }

    static func isWindowError(_ error: ManagementAPIError) -> Bool {
        switch error.code?.uppercased() {
        case "AF20030", "AF20055": true
        default: false
        }
    }
}
