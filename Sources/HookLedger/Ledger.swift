import Foundation

/// The durable work queue of content blobs: receiver and poller record notices, workers lease, finish
/// or fail blobs, operators read summaries.
///
/// Implementations: ``SQLiteLedger`` (production, one file) and ``InMemoryLedger`` (unit tests). A
/// PostgreSQL implementation (`FOR UPDATE SKIP LOCKED` leasing) can be added behind this protocol; no
/// SQLite detail leaks into its callers.
///
/// Rules every implementation keeps:
/// - a notice for a known (tenant, contentId) never creates a second blob and never changes its state;
/// - `record` returns only after the notices are durable (committed);
/// - a lease that expired returns its blob to the queue; the stale holder's `complete`/`fail` are ignored.
public protocol Ledger: DeliveryLedger {
    /// Records notices durably (one commit for the batch) and calls `completion` with what was new, only
    /// after the commit. `completion` may run on the ledger's own thread: it must hand off, not block.
    func record(_ notices: [BlobNotice], source: DiscoverySource, at now: Date,
                completion: @escaping @Sendable (Result<RecordOutcome, any Error>) -> Void)

    /// Leases up to `limit` due blobs, taking turns across tenants (one tenant's backlog never starves another's
    /// new blob); within a tenant the content types of `priority` first, in that order (case-insensitive), then
    /// oldest `contentCreated` first.
    func lease(limit: Int, for duration: Duration, now: Date, priority: [String]) async throws -> [LeasedBlob]

    /// Marks a leased blob done; false when the lease was no longer held.
    @discardableResult
    func complete(_ blob: LeasedBlob, now: Date) async throws -> Bool

    /// Puts a leased blob back for another attempt at `retryAt`, remembering the error.
    @discardableResult
    func fail(_ blob: LeasedBlob, error: String, retryAt: Date) async throws -> Bool

    /// Gives up on a blob for a permanent reason (kept for `replay`).
    @discardableResult
    func kill(_ blob: LeasedBlob, reason: String) async throws -> Bool

    /// Marks a blob whose content expired before it was forwarded.
    @discardableResult
    func expire(_ blob: LeasedBlob) async throws -> Bool

    /// Releases a lease without counting an attempt (graceful shutdown).
    func release(_ blob: LeasedBlob) async throws

    /// Records that `sink` accepted the blob's records (per-sink progress, so a failing sink holds only its own backlog).
    func recordSinkAccepted(blobId: Int64, sink: String, records: Int, now: Date) async throws

    /// The sinks that already accepted this blob.
    func acceptedSinks(blobId: Int64) async throws -> Set<String>

    /// Counts by state, tenant and content type; the oldest pending blob; blobs expiring unforwarded.
    func summary(now: Date) async throws -> LedgerSummary

    /// The state of one blob, or nil if unknown.
    func state(tenantId: String, contentId: String) async throws -> BlobState?

    /// Proves the ledger can still commit (for `/healthz`).
    func checkWritable() async throws

    // MARK: Forwarding (issue 6; see Ledger+Records.swift for the rules)

    /// Claims `records` for `blobId` in one transaction and returns a verdict per record. A record is a
    /// `duplicate` when it repeats earlier in `records`, or when **another** blob claimed it and that blob's
    /// copy is durably in the spool: the owner is spooled or done, or has spooled every window it claimed
    /// (no claims ahead of its spool progress). An owner whose claimed window is still on its way to the spool
    /// is `ownerInFlight`; a crashed or failed owner with claims ahead suppresses nothing (`fresh`). Records
    /// this blob claimed before (a retry, a restart) are `fresh`. Claiming new records puts this blob's claims
    /// ahead of its spool progress until ``DeliveryLedger/recordSpoolProgress(_:offset:)``. A record is
    /// identified by its Id and its CreationTime; one without a CreationTime is filed under `now`.
    func claimForSpool(_ records: [RecordClaim], blobId: Int64, now: Date) async throws -> [ClaimVerdict]

    /// Deletes the claims of records created before `before` (the seen-set stays bounded); returns how many.
    func pruneRecordClaims(before: Date) async throws -> Int

    /// Counts one unparseable body for this blob and returns the blob's total (sink outages never count).
    func recordParseFailure(_ blob: LeasedBlob) async throws -> Int

    /// Extends a lease still held to `until` (long blobs, slow sinks); false when it was lost.
    func renewLease(_ blob: LeasedBlob, until: Date) async throws -> Bool

    /// Returns every leased blob to the queue at once. Only for a caller that knows no live worker holds a
    /// lease: `serve` at start-up, holding the ledger's exclusive serve lock (a crashed predecessor's leases
    /// would otherwise wait out their full duration). Returns how many.
    func releaseOrphanedLeases() async throws -> Int

    /// Re-queues every dead blob (attempts, errors and parse failures reset); returns how many.
    func replayDead(now: Date) async throws -> Int

    /// Re-queues the blob `contentId` (of `tenantId`, or of any tenant when nil) unless it is leased right now,
    /// and forgets its per-sink progress so every sink gets its records again; returns how many blobs.
    func replay(tenantId: String?, contentId: String, now: Date) async throws -> Int

    /// Why a blob is dead (its reason) or retrying (its last error); nil when neither or unknown.
    func failureReason(tenantId: String, contentId: String) async throws -> String?

    /// Per sink name: blobs not done (queued, leased, retry) that the sink has not accepted yet.
    func sinkBacklog(sinks: [String]) async throws -> [String: Int]
}

extension Ledger {
    /// Leases with the default priority (`Audit.General`, then `DLP.All`).
    public func lease(limit: Int, for duration: Duration, now: Date) async throws -> [LeasedBlob] {
        try await self.lease(limit: limit, for: duration, now: now, priority: ["Audit.General", "DLP.All"])
    }

    /// Records notices durably and returns what was new (async form of the completion-based requirement).
    public func record(_ notices: [BlobNotice], source: DiscoverySource, at now: Date) async throws -> RecordOutcome {
        try await withCheckedThrowingContinuation { continuation in
            self.record(notices, source: source, at: now) { continuation.resume(with: $0) }
        }
    }
}

/// What a claim found for one record (issue 13 §4, docs/spool.md).
public enum ClaimVerdict: Sendable, Equatable {
    /// New, or this blob's own: spool it.
    case fresh
    /// Another blob's copy is durably in the spool (or the record repeats within the call): drop it.
    case duplicate
    /// Another blob claimed it and is spooling that window right now: ask again in a moment. If it is still
    /// in flight after the caller's patience, spool it (a possible duplicate, never a loss).
    case ownerInFlight
}

extension Ledger {
    /// Claims records and answers, per record, whether it is a duplicate: only when another blob's copy is
    /// durably in the spool (an owner in flight counts as not a duplicate). See ``claimForSpool(_:blobId:now:)``.
    public func claimRecords(_ records: [RecordClaim], blobId: Int64, now: Date) async throws -> [Bool] {
        try await self.claimForSpool(records, blobId: blobId, now: now).map { $0 == .duplicate }
    }

    /// Claims records known only by their Ids (filed under `now`); see ``claimRecords(_:blobId:now:)-(RecordClaim)``.
    public func claimRecords(_ ids: [String], blobId: Int64, now: Date) async throws -> [Bool] {
        try await self.claimRecords(ids.map { RecordClaim(id: $0, created: nil) }, blobId: blobId, now: now)
    }
}
