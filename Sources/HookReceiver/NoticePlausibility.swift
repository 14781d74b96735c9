import Foundation

/// The checks an authenticated notice must still pass before it is stored: its dates must be ones
/// Microsoft could have sent now, and its `contentUri` must name its own `contentId`.
///
/// Knowing the `authId` is not proof of being Microsoft (any app with ActivityFeed.Read reads it through
/// `subscriptions/list`), so a notice that passed the auth check may still be forged. A forged notice
/// with a date far in the past or future, or a URI naming another blob, is refused per element and
/// counted by reason (`activityhook_rejected_elements_total{reason}`); a genuine blob refused here by
/// mistake is not lost, the poller lists it later. Rationale and margins: docs/receiver-hardening.md.
public enum NoticePlausibility {
    /// Content is kept 7 days after it becomes available, and `contentExpiration` is 7 days after
    /// `contentCreated` in every sample Microsoft has published.
    public static let retention: TimeInterval = 7 * 24 * 3600
    /// Tolerated lateness beyond 7 days for `contentCreated`: Microsoft accepts listing starts about
    /// 7 days + 1 hour back, and a notification retried with back-off arrives late. One hour more than that.
    public static let pastMargin: TimeInterval = 2 * 3600
    /// Tolerated clock skew for a `contentCreated` in the future (Microsoft's clock ahead of ours).
    public static let futureSkew: TimeInterval = 15 * 60
    /// Tolerated slack between `contentExpiration` and `contentCreated` + 7 days (the two are set from
    /// "available" and "created" times that may differ by Microsoft's processing delay).
    public static let expirationMargin: TimeInterval = 24 * 3600

    /// nil when plausible at `now`, else the rejection reason (a metric label).
    public static func rejection(created: Date, expiration: Date, now: Date) -> String? {
        if created < now.addingTimeInterval(-(self.retention + self.pastMargin)) { return "contentCreated_too_old" }
        if created > now.addingTimeInterval(self.futureSkew) { return "contentCreated_in_future" }
        if expiration < created { return "contentExpiration_before_created" }
        if expiration > created.addingTimeInterval(self.retention + self.expirationMargin) { return "contentExpiration_too_late" }
        return nil
    }

    /// nil when the last path segment of `uri` (before any query) is `contentId`, else `uri_content_id`.
    /// A percent-encoded segment is compared decoded as well (`%24` for the `$` that content ids contain).
    public static func uriRejection(_ uri: String, contentId: String) -> String? {
        var path = uri.utf8[...]
        if let end = path.firstIndex(where: { $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }) { path = path[..<end] }
        let segment = path.lastIndex(of: UInt8(ascii: "/")).map { path[path.index(after: $0)...] } ?? path
        if segment.elementsEqual(contentId.utf8) { return nil }
        if segment.contains(UInt8(ascii: "%")), let decoded = String(decoding: segment, as: UTF8.self).removingPercentEncoding,
           decoded == contentId {
            return nil
        }
        return "uri_content_id"
    }
}
