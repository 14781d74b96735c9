import Foundation
import HookConfig
import HookLedger
import HookRecords
import HookSinks
import HookSpool

/// The state of one attempt at a blob, carried across its windows.
struct SpoolRun: Sendable {
    /// Records split so far (those an earlier attempt already spooled included).
    var records = 0
    /// Records suppressed as duplicates of another blob's (or of an earlier record of this blob).
    var duplicates = 0
    /// Records appended to the spool in this attempt.
    var spooled = 0
    /// The sequence of the blob's newest entry in the spool, from this attempt or an earlier one.
    var lastSequence: UInt64?
    /// Ids met earlier in this blob: claims only see other blobs, so a record repeated within one blob (in
    /// another window) is caught here. Bounded by ``maxTrackedIds`` (about 20 bytes each for GUIDs).
    var seenInBlob = RecordIDSet()
    static let maxTrackedIds = 1_000_000
}

extension BlobProcessor {
    /// Streams the blob through the splitter window by window and appends each window's new records to the
    /// spool (docs/spool.md). Records before the blob's recorded spool offset were appended by an earlier
    /// attempt and are skipped.
    func spool(_ blob: LeasedBlob, labels: [String: String], progress: AttemptProgress = AttemptProgress()) async throws -> SpoolRun {
        var run = SpoolRun(lastSequence: blob.spoolLast)
        let source = BlobSource(blobId: blob.id, tenantId: blob.notice.tenantId, contentType: blob.notice.contentType,
                                contentId: blob.notice.contentId)
        let bytes = self.metrics.bytes.bind(labels)
        var splitter = RecordSplitter()
        var window: [SplitRecord] = []
        var windowBytes = 0
        for try await chunk in try await self.fetcher.open(blob) {
            try Task.checkCancellation()
            progress.advance()
            bytes.increment(by: Double(chunk.count))
            for record in try splitter.feed(chunk) {
                run.records += 1
                guard record.offset >= blob.spoolOffset else { continue }  // spooled by an earlier attempt
                window.append(record)
                windowBytes += record.bytes.count
                if window.count >= self.policy.windowRecords || windowBytes >= self.policy.windowBytes {
                    try await progress.inSinks { try await self.spoolWindow(window, blob: blob, source: source, run: &run, labels: labels) }
                    window.removeAll(keepingCapacity: true)
                    windowBytes = 0
                }
            }
        }
        try splitter.finish()
        self.metrics.fetched.increment(labels)
        if !window.isEmpty {
            try await progress.inSinks { try await self.spoolWindow(window, blob: blob, source: source, run: &run, labels: labels) }
        }
        return run
    }

    /// Claims the window's Ids, drops duplicates and appends the rest to the spool, in two passes
    /// (WindowClaims): the records this blob owns first, after which its claims are recorded as spooled; then
    /// the records another blob was still spooling, once that owner settled them.
    func spoolWindow(_ window: [SplitRecord], blob: LeasedBlob, source: BlobSource, run: inout SpoolRun,
                     labels: [String: String]) async throws {
        guard let first = window.first, let last = window.last else { return }
        let identified = window.indices.filter { window[$0].id != nil }
        let claims = identified.map { RecordClaim(id: window[$0].id!, created: window[$0].creationTime) }
        let claimer = WindowClaims(ledger: self.ledger)
        let clock = self.clock
        var verdict = [ClaimVerdict?](repeating: nil, count: window.count)  // nil: no Id, never suppressed
        do {
            for (index, answer) in zip(identified, try await claimer.claim(claims, blobId: source.blobId, now: clock.now())) {
                verdict[index] = answer
            }
        } catch {
            throw LedgerFailure(description: "cannot claim record ids: \(error)")
        }
        var kept = 0
        let own = self.select(window, &run) { verdict[$0] == nil || verdict[$0] == .fresh }
        kept += own.count
        try await self.append(own, source: source, run: &run)
        let waiting = identified.indices.filter { verdict[identified[$0]] == .ownerInFlight }
        if !waiting.isEmpty {
            // The spool append is the point of no return; recording it now (claims no longer ahead) lets an
            // owner that waits on this blob's records settle them while this blob waits on its own.
            guard try await self.ledger.recordSpoolProgress(blob, offset: first.offset, lastSequence: run.lastSequence) else { throw LeaseLost() }
            let duplicate: [Bool]
            do {
                duplicate = try await claimer.resolve(waiting.map { claims[$0] }, blobId: source.blobId, now: { clock.now() })
            } catch {
                throw LedgerFailure(description: "cannot claim record ids: \(error)")
            }
            let settled = Set(zip(waiting, duplicate).filter { !$0.1 }.map { identified[$0.0] })
            let late = self.select(window, &run) { settled.contains($0) }
            kept += late.count
            try await self.append(late, source: source, run: &run)
        }
        let dropped = window.count - kept
        if dropped > 0 {
            run.duplicates += dropped
            self.metrics.duplicates.increment(labels, by: Double(dropped))
        }
        guard try await self.ledger.recordSpoolProgress(blob, offset: last.offset + 1, lastSequence: run.lastSequence) else { throw LeaseLost() }
    }

    /// The records at the indices `keep` accepts, minus Ids already met in this blob.
    private func select(_ window: [SplitRecord], _ run: inout SpoolRun, keep: (Int) -> Bool) -> [SplitRecord] {
        var chosen: [SplitRecord] = []
        for index in window.indices where keep(index) {
            let record = window[index]
            if let id = record.id, run.seenInBlob.count < SpoolRun.maxTrackedIds, !run.seenInBlob.insert(id) { continue }
            chosen.append(record)
        }
        return chosen
    }

    /// Appends the records some sink's filter accepts (the others would be read by nobody) and waits until
    /// they are durable.
    private func append(_ records: [SplitRecord], source: BlobSource, run: inout SpoolRun) async throws {
        let contentType = ContentType(caseInsensitive: source.contentType)
        let wanted = records.filter { record in
            self.sinks.contains { Self.accepts($0.filter, record, tenantId: source.tenantId, contentType: contentType) }
        }
        guard !wanted.isEmpty else { return }
        let range = try await self.spoolStore.append(wanted.map { SpoolRecord(origin: source, record: $0) })
        run.spooled += wanted.count
        run.lastSequence = range.last ?? run.lastSequence
    }

    /// The sink's filter on one record. A content type the config does not know passes only filters
    /// without a content-type criterion.
    static func accepts(_ filter: SinkFilter, _ record: SplitRecord, tenantId: String, contentType: ContentType?) -> Bool {
        if filter.isEmpty { return true }
        guard let contentType else {
            guard filter.contentTypes == nil else { return false }
            return filter.accepts(tenantId: tenantId, contentType: .auditGeneral, recordType: record.recordType,
                                  workload: record.workload, operation: record.operation)
        }
        return filter.accepts(tenantId: tenantId, contentType: contentType, recordType: record.recordType,
                              workload: record.workload, operation: record.operation)
    }
}
