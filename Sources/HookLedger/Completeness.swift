import Foundation
import HookSQLite

/// How one tenant × content type's blobs were discovered: the webhook's gaps are the blobs that only
/// polling (or a backfill) found (issue 7 §2).
public struct CompletenessCount: Sendable, Hashable {
    /// Lowercase tenant id.
    public var tenantId: String
    /// The content type.
    public var contentType: String
    /// Blobs announced by a webhook notification.
    public var notified: Int
    /// Blobs listed by the poller or a backfill.
    public var listed: Int
    /// Blobs listed but never notified: webhook gaps.
    public var onlyListed: Int
    /// Blobs notified but not (yet) listed.
    public var onlyNotified: Int

    /// Creates a count.
    public init(tenantId: String, contentType: String, notified: Int, listed: Int, onlyListed: Int, onlyNotified: Int) {
        self.tenantId = tenantId
        self.contentType = contentType
        self.notified = notified
        self.listed = listed
        self.onlyListed = onlyListed
        self.onlyNotified = onlyNotified
    }
}

/// Reads the completeness counts from the ledger's `notified`/`listed` flags.
public protocol CompletenessSource: Sendable {
    /// One entry per tenant × content type that has blobs.
    func completeness() async throws -> [CompletenessCount]
}

extension SQLiteLedger: CompletenessSource {
    public func completeness() async throws -> [CompletenessCount] {
        try await self.database.read { connection in
            // One scan of the table; the flags are 0/1 so their sums are counts.
            try connection.query("""
                SELECT tenant_id, content_type, sum(notified), sum(listed),
                       sum(listed AND NOT notified), sum(notified AND NOT listed)
                FROM blobs GROUP BY tenant_id, content_type ORDER BY tenant_id, content_type
                """).map { row in
                CompletenessCount(tenantId: row[0].textValue ?? "", contentType: row[1].textValue ?? "",
                                  notified: Int(row[2].intValue ?? 0), listed: Int(row[3].intValue ?? 0),
                                  onlyListed: Int(row[4].intValue ?? 0), onlyNotified: Int(row[5].intValue ?? 0))
            }
        }
    }
}
