import Foundation
import HookSQLite
import Synchronization

/// The cap on pending blobs (queued, leased or retry) per tenant × content type that webhook notices may
/// fill (`state.maxPendingPerContentType`), so that a flood of forged but authenticated notices cannot
/// bury the real blobs (docs/receiver-hardening.md).
///
/// Only notices from the webhook are refused beyond the cap; the poller's are always inserted, because the
/// poller is how a refused real blob is found again: blocking it could lose content. A refused notice of
/// a blob already known still counts as a sighting (it is a duplicate, not a refusal).
///
/// The counts are kept on the write thread, inside the group commit: each is counted from the ledger when
/// first needed and again once it is older than ``recount`` (blobs leave the pending states on other
/// paths), and the inserts in between are added to it. The recount reads the pending part of the
/// `blobs_due` index only, for that tenant and content type.
final class PendingCap: Sendable {
    /// Most pending blobs per tenant × content type that webhook notices may create; 0 for no cap.
    let limit: Int
    /// How long a count is trusted before it is read from the ledger again (milliseconds).
    static let recount: Int64 = 30_000
    private let counts = Mutex<[String: (count: Int, at: Int64)]>([:])

    init(limit: Int) { self.limit = max(0, limit) }

    private static func key(_ notice: BlobNotice) -> String { notice.tenantId + "\u{1F}" + notice.contentType }

    /// Whether a new blob for `notice` may be created from a webhook notice now (inside the commit).
    func allows(_ notice: BlobNotice, now: Int64, _ connection: SQLiteConnection) throws -> Bool {
        guard self.limit > 0 else { return true }
        let key = Self.key(notice)
        if let known = self.counts.withLock({ $0[key] }), now - known.at < Self.recount, now >= known.at {
            return known.count < self.limit
        }
        let count = Int(try connection.scalar("""
            SELECT COUNT(*) FROM blobs WHERE state IN ('queued', 'retry', 'leased') AND tenant_id = ? AND content_type = ?
            """, [.text(notice.tenantId), .text(notice.contentType)])?.intValue ?? 0)
        self.counts.withLock { $0[key] = (count, now) }
        return count < self.limit
    }

    /// A new blob was inserted for `notice` (from any source).
    func inserted(_ notice: BlobNotice) {
        guard self.limit > 0 else { return }
        self.counts.withLock { counts in
            let key = Self.key(notice)
            if let known = counts[key] { counts[key] = (known.count + 1, known.at) }
        }
    }

    /// The transaction that carried the inserts rolled back: forget the counts, they are read again.
    func reset() { self.counts.withLock { $0.removeAll() } }
}
