import Foundation
import HookSQLite

/// Durable memory of `/subscriptions/start` attempts, so that at most one start per tenant × content
/// type happens in any `interval`, across restarts (Microsoft's 15-minute start throttle).
public protocol StartGuardStore: Sendable {
    /// Atomically claims the right to call `/start` for `tenantId` × `contentType` at `now`.
    ///
    /// Returns nil and records `now` when the last claim is at least `interval` old (or there is none);
    /// otherwise records nothing and returns the earliest time a claim will succeed.
    func claimStart(tenantId: String, contentType: String, now: Date, interval: Duration) async throws -> Date?

    /// When `/start` was last claimed for `tenantId` × `contentType`, or nil.
    func lastStart(tenantId: String, contentType: String) async throws -> Date?
}

extension SQLiteLedger: StartGuardStore {
    public func claimStart(tenantId: String, contentType: String, now: Date, interval: Duration) async throws -> Date? {
        let tenant = tenantId.lowercased()
        let nowMs = now.epochMilliseconds
        let intervalMs = interval.components.seconds * 1000 + interval.components.attoseconds / 1_000_000_000_000_000
        let nextMs: Int64? = try await self.database.write { connection in
            // IMMEDIATE: the read and the write are one decision; two processes cannot both claim.
            try connection.transaction(.immediate) {
                let last = try connection.scalar(
                    "SELECT last_start_at FROM subscription_starts WHERE tenant_id = ? AND content_type = ?",
                    [.text(tenant), .text(contentType)])?.int64
                // A claim "from the future" (the clock stepped back) still holds, unless the step is larger
                // than the interval itself, which would otherwise block starts for that long.
                if let last, nowMs < last + intervalMs, last - nowMs < intervalMs { return last + intervalMs }
                try connection.run("""
                    INSERT INTO subscription_starts (tenant_id, content_type, last_start_at) VALUES (?, ?, ?)
                    ON CONFLICT (tenant_id, content_type) DO UPDATE SET last_start_at = excluded.last_start_at
                    """, [.text(tenant), .text(contentType), .integer(nowMs)])
                return nil
            }
        }
        return nextMs.map(Date.init(epochMilliseconds:))
    }

    public func lastStart(tenantId: String, contentType: String) async throws -> Date? {
        let tenant = tenantId.lowercased()
        let value = try await self.database.read { connection in
            try connection.scalar("SELECT last_start_at FROM subscription_starts WHERE tenant_id = ? AND content_type = ?",
                                  [.text(tenant), .text(contentType)])?.int64
        }
        return value.map(Date.init(epochMilliseconds:))
    }
}
