import Foundation
import HookJSON
import HookLedger
import HookManagementAPI

/// What the poller needs from one tenant's Management API client: list a window, know the server's clock.
/// ``ManagementAPIClient`` is the production one; tests can script failures with their own.
public protocol ContentLister: Sendable {
    /// The tenant this lister calls as.
    var tenantId: String { get }
    /// Microsoft's clock minus ours, in seconds, as last measured.
    var skewSeconds: TimeInterval { get }
    /// Every blob of `contentType` in `window`, all pages; throws if any page failed.
    func list(_ contentType: String, window: PollWindow) async throws -> (notices: [BlobNotice], pages: Int)
}

extension ManagementAPIClient: ContentLister {
    public var tenantId: String { self.settings.tenantId }
    public var skewSeconds: TimeInterval { self.skew.seconds }

    public func list(_ contentType: String, window: PollWindow) async throws -> (notices: [BlobNotice], pages: Int) {
        let listing = try await self.content(contentType, start: window.start, end: window.end)
        let tenant = self.settings.tenantId
        let notices = try listing.blobs.map { blob in
            // A listing entry without its times cannot be queued correctly (expiry drives the alarms):
            // failing the window keeps the watermark, so it is listed again rather than half-recorded.
            guard let created = Timestamp.parse(blob.contentCreated) else {
                throw PollError.badListing("contentCreated \"\(blob.contentCreated)\" of \(blob.contentId)")
            }
            let expiration = Timestamp.parse(blob.contentExpiration) ?? created.addingTimeInterval(7 * 86_400)
            return BlobNotice(tenantId: tenant, contentType: blob.contentType, contentId: blob.contentId,
                              contentUri: blob.contentURI, contentCreated: created, contentExpiration: expiration)
        }
        return (notices, listing.pages)
    }
}

/// Why a poll stopped.
public enum PollError: Error, CustomStringConvertible, Sendable {
    /// A listing entry could not be understood.
    case badListing(String)
    /// The window was still refused (AF20030/AF20055) after correcting it to the server's clock.
    case windowRefused(PollWindow, any Error)

    public var description: String {
        switch self {
        case .badListing(let what): "unusable listing entry: \(what)"
        case .windowRefused(let window, let error): "window \(window) refused even after correction: \(error)"
        }
    }
}
