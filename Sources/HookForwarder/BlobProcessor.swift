import Foundation
import HookLedger
import HookMetrics
import HookRecords
import HookSinks
import HookSpool
import Logging

/// The fetch stage: fetches, splits and de-duplicates one leased blob and appends its new records to the
/// spool, then records it as spooled in the ledger (docs/spool.md). Sinks read the spool in their own
/// delivery loops (``SinkDeliveryLoop``), so a slow or failing sink never holds a fetch, and each blob is
/// downloaded once whatever the sinks do.
///
/// The blob streams through a ``RecordSplitter`` in windows of at most `windowRecords` records or
/// `windowBytes` bytes, so memory stays bounded whatever the blob's size. Per window the records with an
/// `Id` are claimed and duplicates dropped (WindowClaims); the rest that some sink's filter accepts are
/// appended to the spool, and the window is recorded as spooled.
public struct BlobProcessor: Sendable {
    let ledger: any Ledger
    let fetcher: any BlobFetcher
    let spoolStore: Spool
    let sinks: [any Sink]
    let metrics: ForwarderMetrics
    let policy: ForwardingPolicy
    let clock: any WorkerClock
    let logger: Logger

    /// Creates a processor spooling for `sinks` (their names and filters; names must be unique: they key
    /// the cursors).
    public init(ledger: any Ledger, fetcher: any BlobFetcher, spool: Spool, sinks: [any Sink], metrics: ForwarderMetrics,
                policy: ForwardingPolicy = ForwardingPolicy(), clock: any WorkerClock = SystemWorkerClock(), logger: Logger) {
        self.ledger = ledger
        self.fetcher = fetcher
        self.spoolStore = spool
        self.sinks = sinks
        self.metrics = metrics
        self.policy = policy
        self.clock = clock
        self.logger = logger
    }

    /// Processes one attempt at `blob` and records its outcome in the ledger. Never throws: ledger trouble
    /// leaves the lease to expire (``BlobOutcome/abandoned(reason:)``); cancellation releases the lease.
    public func process(_ blob: LeasedBlob) async -> BlobOutcome {
        var logger = self.logger
        logger[metadataKey: "tenant"] = "\(blob.notice.tenantId)"
        logger[metadataKey: "contentType"] = "\(blob.notice.contentType)"
        logger[metadataKey: "contentId"] = "\(blob.notice.contentId)"
        logger[metadataKey: "attempt"] = "\(blob.attempt)"
        let labels = ForwarderMetrics.labels(blob.notice.tenantId, blob.notice.contentType)
        do {
            if blob.notice.contentExpiration <= self.clock.now() {
                return try await self.expire(blob, labels: labels, logger: logger)
            }
            let run: SpoolRun
            do {
                let progress = AttemptProgress()
                run = try await self.withLeaseRenewal(blob, progress: progress) {
                    try await self.spool(blob, labels: labels, progress: progress)
                }
            } catch {
                if Task.isCancelled { return await self.release(blob, logger: logger) }
                return try await self.handle(try BlobFailure(classifying: error), blob, labels: labels, logger: logger)
            }
            if Task.isCancelled { return await self.release(blob, logger: logger) }
            guard try await self.ledger.markSpooled(blob, lastSequence: run.lastSequence, sinks: self.sinks.map(\.name),
                                                    now: self.clock.now())
            else { return .abandoned(reason: "lease lost before the blob was recorded as spooled") }
            self.metrics.spooled.increment(labels)
            self.metrics.fetchLag.observe(max(0, self.clock.now().timeIntervalSince(blob.notice.contentCreated)), labels)
            logger.debug("blob spooled", metadata: ["records": "\(run.records)", "spooled": "\(run.spooled)",
                                                    "duplicates": "\(run.duplicates)"])
            return .done
        } catch let lost as LeaseLost {
            logger.warning("lease lost; another worker may hold the blob now", metadata: ["error": "\(lost)"])
            return .abandoned(reason: "\(lost)")
        } catch {
            if Task.isCancelled { return await self.release(blob, logger: logger) }
            // The ledger itself failed: nothing more can be recorded; the lease expires and the blob returns.
            logger.error("ledger error while fetching a blob; it will be retried when its lease expires",
                         metadata: ["error": "\(error)"])
            return .abandoned(reason: "\(error)")
        }
    }

    private func expire(_ blob: LeasedBlob, labels: [String: String], logger: Logger) async throws -> BlobOutcome {
        guard try await self.ledger.expire(blob) else { return .abandoned(reason: "lease lost before expiry") }
        self.metrics.expired.increment(labels)
        // Issue 7: the one data loss nobody can recover from (the API no longer serves the content).
        logger.error("content expired before it was forwarded: its records are lost", metadata: [
            "contentExpiration": "\(blob.notice.contentExpiration.ISO8601Format())"])
        return .expired
    }

    private func release(_ blob: LeasedBlob, logger: Logger) async -> BlobOutcome {
        do {
            try await self.ledger.release(blob)
        } catch {
            logger.warning("cannot release a lease at shutdown; it will expire", metadata: ["error": "\(error)"])
        }
        return .released
    }
}

/// A renewal found the lease taken by someone else.
struct LeaseLost: Error, CustomStringConvertible {
    var description: String { "the lease was lost (expired and leased again)" }
}
