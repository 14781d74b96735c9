import Foundation

/// How ActivityHook first learned of a content blob.
public enum DiscoverySource: String, Sendable, CaseIterable {
    case webhook, poll, backfill
}

/// Where a blob is in its life: `queued → leased → spooled → done` (spooled: every record is in the local spool,
/// waiting for the sinks; done: every sink accepted it), or `retry` (with a due time), `dead` (with a
/// reason), or `expired` (its content expired before it was forwarded).
public enum BlobState: String, Sendable, CaseIterable {
    case queued, leased, retry, spooled, done, dead, expired
}

/// One content blob as announced by a notification or listed by `/subscriptions/content`.
public struct BlobNotice: Sendable, Hashable {
    public var tenantId: String
    public var clientId: String?
    public var contentType: String
    public var contentId: String
    public var contentUri: String
    public var contentCreated: Date
    public var contentExpiration: Date

    public init(
        tenantId: String, clientId: String? = nil, contentType: String, contentId: String, contentUri: String,
        contentCreated: Date, contentExpiration: Date
    ) {
        // Tenant GUIDs usually arrive lowercase; only allocate a lowercased copy when needed.
        self.tenantId = tenantId.utf8.contains { $0 >= 0x41 && $0 <= 0x5A } ? tenantId.lowercased() : tenantId
        self.clientId = clientId
        self.contentType = contentType
        self.contentId = contentId
        self.contentUri = contentUri
        self.contentCreated = contentCreated
        self.contentExpiration = contentExpiration
    }
}

/// What recording a batch of notices did.
public struct RecordOutcome: Sendable, Equatable {
    /// Notices that created a new blob.
    public var inserted: Int
    /// Notices for blobs already known (their seen-again count went up; nothing was reset).
    public var duplicates: Int
    /// Webhook notices of new blobs refused because their tenant × content type has reached the pending cap.
    public var refused: Int

    public init(inserted: Int = 0, duplicates: Int = 0, refused: Int = 0) {
        self.inserted = inserted
        self.duplicates = duplicates
        self.refused = refused
    }
}

/// A blob handed to a worker until `leaseExpiresAt`; `attempt` identifies this lease, so a worker whose
/// lease expired (and was re-leased) cannot complete or fail the blob any more.
public struct LeasedBlob: Sendable, Hashable {
    public var id: Int64
    public var notice: BlobNotice
    public var attempt: Int
    public var leaseExpiresAt: Date
    /// Records before this byte offset of the content are already durable in the spool (an earlier
    /// attempt got that far): this attempt skips them.
    public var spoolOffset: Int
    /// The spool sequence of the newest entry an earlier attempt appended, if any.
    public var spoolLast: UInt64?

    public init(id: Int64, notice: BlobNotice, attempt: Int, leaseExpiresAt: Date, spoolOffset: Int = 0, spoolLast: UInt64? = nil) {
        self.id = id
        self.notice = notice
        self.attempt = attempt
        self.leaseExpiresAt = leaseExpiresAt
        self.spoolOffset = spoolOffset
        self.spoolLast = spoolLast
    }
}

/// A count of blobs in one state for one tenant and content type.
public struct BlobCount: Sendable, Hashable {
    public var tenantId: String
    public var contentType: String
    public var state: BlobState
    public var count: Int

    public init(tenantId: String, contentType: String, state: BlobState, count: Int) {
        self.tenantId = tenantId
        self.contentType = contentType
        self.state = state
        self.count = count
    }
}

/// The blobs not yet done of one tenant and content type: the oldest, and those about to expire.
public struct PendingStats: Sendable, Hashable {
    public var tenantId: String
    public var contentType: String
    /// When the oldest blob not done (queued, leased or retry) was first seen.
    public var oldestSince: Date
    /// Blobs not done whose content expires within 24 hours.
    public var expiringWithin24h: Int

    public init(tenantId: String, contentType: String, oldestSince: Date, expiringWithin24h: Int) {
        self.tenantId = tenantId
        self.contentType = contentType
        self.oldestSince = oldestSince
        self.expiringWithin24h = expiringWithin24h
    }
}

/// What an operator watches: counts, the oldest waiting blob, blobs about to expire unforwarded.
public struct LedgerSummary: Sendable, Equatable {
    public var counts: [BlobCount]
    /// Per tenant and content type with blobs not done: the oldest, and those expiring within 24 hours.
    public var pending: [PendingStats] = []
    /// When the oldest blob that is not yet done (queued, leased or retry) was first seen; nil if none.
    public var oldestPendingSince: Date?
    /// Blobs not done whose content expires within 24 hours.
    public var expiringWithin24h: Int

    public init(counts: [BlobCount] = [], oldestPendingSince: Date? = nil, expiringWithin24h: Int = 0) {
        self.counts = counts
        self.oldestPendingSince = oldestPendingSince
        self.expiringWithin24h = expiringWithin24h
    }

    /// Total blobs in `state` over all tenants and content types.
    public func total(_ state: BlobState) -> Int {
        self.counts.filter { $0.state == state }.reduce(0) { $0 + $1.count }
    }
}

/// Why the ledger could not do what was asked; `isTransient` errors (busy, disk full) deserve a retry.
public struct LedgerError: Error, CustomStringConvertible {
    public var message: String
    public var isTransient: Bool

    public init(_ message: String, isTransient: Bool) {
        self.message = message
        self.isTransient = isTransient
    }

    public var description: String { "ledger: \(self.message)" }
}
