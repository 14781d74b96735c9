import Foundation
import HookLedger
import HookMetrics
import HookRecords
import HookSinks
import Logging

/// Fetches, splits, de-duplicates and delivers one leased blob, then acknowledges it in the ledger.
///
/// The blob streams through a ``RecordSplitter`` in windows of at most `windowRecords` records or
/// `windowBytes` bytes, so memory stays bounded whatever the blob's size. Per window the records with an
/// `Id` are claimed (``Ledger/claimRecords(_:blobId:now:)``) and duplicates dropped; each remaining record
/// goes to every sink whose filter accepts it, all sinks concurrently. A sink that throws gets nothing more
/// in this attempt while the others carry on. At the end each sink that got all its records is recorded
/// as having accepted the blob, so a retry only serves the sinks that had not.
public struct BlobProcessor: Sendable {
    let ledger: any Ledger
    let fetcher: any BlobFetcher
    let sinks: [any Sink]
    let metrics: ForwarderMetrics
    let policy: ForwardingPolicy
    let clock: any WorkerClock
    let logger: Logger

    /// Creates a processor for `sinks` (names must be unique: they key the per-sink progress).
    public init(ledger: any Ledger, fetcher: any BlobFetcher, sinks: [any Sink], metrics: ForwarderMetrics,
                policy: ForwardingPolicy = ForwardingPolicy(), clock: any WorkerClock = SystemWorkerClock(), logger: Logger) {
        self.ledger = ledger
        self.fetcher = fetcher
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
            let accepted = try await self.ledger.acceptedSinks(blobId: blob.id)
            var run = DeliveryRun(pending: self.sinks.filter { !accepted.contains($0.name) })
            let failure: BlobFailure?
            do {
                let progress = AttemptProgress()
                run = try await self.withLeaseRenewal(blob, progress: progress) { [run] in
                    try await self.deliver(blob, run: run, labels: labels, progress: progress)
                }
                failure = run.failures.isEmpty ? nil : .sinks(run.failures)
            } catch {
                if Task.isCancelled { return await self.release(blob, logger: logger) }
                failure = try BlobFailure(classifying: error)
            }
            if Task.isCancelled { return await self.release(blob, logger: logger) }
            let now = self.clock.now()
            for sink in run.pending where failure == nil || failure?.isSinkOnly == true {
                try await self.ledger.recordSinkAccepted(blobId: blob.id, sink: sink.name, records: run.delivered[sink.name] ?? 0, now: now)
            }
            guard let failure else {
                guard try await self.ledger.complete(blob, now: now) else { return .abandoned(reason: "lease lost before completion") }
                self.metrics.forwarded.increment(labels)
                logger.debug("blob forwarded", metadata: ["records": "\(run.records)", "duplicates": "\(run.duplicates)"])
                return .done
            }
            return try await self.handle(failure, blob, labels: labels, logger: logger)
        } catch let lost as LeaseLost {
            logger.warning("lease lost; another worker may hold the blob now", metadata: ["error": "\(lost)"])
            return .abandoned(reason: "\(lost)")
        } catch {
            if Task.isCancelled { return await self.release(blob, logger: logger) }
            // The ledger itself failed: nothing more can be recorded; the lease expires and the blob returns.
            logger.error("ledger error while forwarding a blob; it will be retried when its lease expires",
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
