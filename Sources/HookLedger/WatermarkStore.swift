import Foundation
import HookSQLite

/// Durable poll watermarks: per tenant × content type, the end of the last listing window whose blobs
/// were all committed to the ledger (issue 7). The poller starts its next window there, minus an overlap.
public protocol WatermarkStore: Sendable {
    /// The stored watermark, or nil before the first complete window.
    func watermark(tenantId: String, contentType: String) async throws -> Date?

    /// Stores `until` as the watermark. Callers advance it only after the window's blobs are committed;
    /// a value earlier than the stored one is ignored, so a late backfill cannot move it backwards.
    func advanceWatermark(tenantId: String, contentType: String, to until: Date, now: Date) async throws
}

extension SQLiteLedger: WatermarkStore {
    public func watermark(tenantId: String, contentType: String) async throws -> Date? {
        let tenant = tenantId.lowercased()
        let value = try await self.database.read { connection in
            try connection.scalar("SELECT listed_until FROM poll_watermarks WHERE tenant_id = ? AND content_type = ?",
                                  [.text(tenant), .text(contentType)])?.int64
        }
        return value.map(Date.init(epochMilliseconds:))
    }

    public func advanceWatermark(tenantId: String, contentType: String, to until: Date, now: Date) async throws {
        let tenant = tenantId.lowercased()
        try await self.database.write { connection in
            try connection.run("""
                INSERT INTO poll_watermarks (tenant_id, content_type, listed_until, updated_at) VALUES (?, ?, ?, ?)
                ON CONFLICT (tenant_id, content_type) DO UPDATE
                SET listed_until = max(listed_until, excluded.listed_until), updated_at = excluded.updated_at
                """, [.text(tenant), .text(contentType), .integer(until.epochMilliseconds), .integer(now.epochMilliseconds)])
        }
    }
}
