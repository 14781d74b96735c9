import Foundation
import HookConfig
import HookLedger
import HookRecords
import HookSinks

/// The state of one attempt at a blob, carried across its windows.
struct DeliveryRun: Sendable {
    /// Sinks still receiving in this attempt: not yet accepted in an earlier one, and not failed in this one.
    var pending: [any Sink]
    /// Records delivered per sink in this attempt.
    var delivered: [String: Int] = [:]
    /// Sinks that failed in this attempt.
    var failures: [String: SinkFailure] = [:]
    /// Records split so far.
    var records = 0
    /// Records suppressed as duplicates of another blob's (or of an earlier record of this blob).
    var duplicates = 0
    /// Ids met earlier in this blob: claims only see other blobs, so a record repeated within one blob (in
    /// another window) is caught here. Bounded by ``maxTrackedIds`` (about 20 bytes each for GUIDs).
    var seenInBlob = RecordIDSet()
    static let maxTrackedIds = 1_000_000
}

/// Why one sink failed in an attempt.
struct SinkFailure: Sendable, Equatable {
    var message: String
    var retryAfter: Duration?
    /// The sink says an operator must act (credentials, a refused record): logged at error level.
    var permanent = false
}

extension BlobProcessor {
    /// Streams the blob through the splitter window by window and delivers each window.
    func deliver(_ blob: LeasedBlob, run: DeliveryRun, labels: [String: String],
                 progress: AttemptProgress = AttemptProgress()) async throws -> DeliveryRun {
        var run = run
        // Every sink already accepted this blob (a crash between the last acceptance and `complete`).
        if run.pending.isEmpty { return run }
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
                window.append(record)
                windowBytes += record.bytes.count
                if window.count >= self.policy.windowRecords || windowBytes >= self.policy.windowBytes {
                    try await progress.inSinks { try await self.deliverWindow(window, blob: blob, source: source, run: &run, labels: labels) }
                    window.removeAll(keepingCapacity: true)
                    windowBytes = 0
                    // Every remaining sink failed: reading on would only claim records nobody gets now.
                    if run.pending.isEmpty { return run }
                }
            }
        }
        try splitter.finish()
        self.metrics.fetched.increment(labels)
        if !window.isEmpty {
            try await progress.inSinks { try await self.deliverWindow(window, blob: blob, source: source, run: &run, labels: labels) }
        }
        return run
    }

    /// Claims the window's Ids, drops duplicates, routes and delivers to every pending sink concurrently.
    ///
    /// Two passes (WindowClaims): the records this blob owns go out first and the window's claims are then
    /// recorded as past the point of no return; only after that does it wait for the records another blob
    /// was still sending, and send those that this owner did not settle.
    func deliverWindow(_ window: [SplitRecord], blob: LeasedBlob, source: BlobSource, run: inout DeliveryRun,
                       labels: [String: String]) async throws {
        guard let first = window.first, let last = window.last else { return }
        run.records += window.count
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
        var sent = 0
        let own = self.select(window, &run) { verdict[$0] == nil || verdict[$0] == .fresh }
        sent += own.count
        let failuresBefore = run.failures.count
        try await self.send(own, source: source, run: &run, labels: labels)
        // Only a window every pending sink accepted is past the point of no return; while a sink still lacks it,
        // this blob's claims suppress no other blob's copy (a dead blob would otherwise take them with it).
        if run.failures.count == failuresBefore {
            guard try await self.ledger.recordSpoolProgress(blob, offset: first.offset) else { throw LeaseLost() }
        }
        let waiting = identified.indices.filter { verdict[identified[$0]] == .ownerInFlight }
        if !waiting.isEmpty {
            let duplicate: [Bool]
            do {
                duplicate = try await claimer.resolve(waiting.map { claims[$0] }, blobId: source.blobId, now: { clock.now() })
            } catch {
                throw LedgerFailure(description: "cannot claim record ids: \(error)")
            }
            let settled = Set(zip(waiting, duplicate).filter { !$0.1 }.map { identified[$0.0] })
            let late = self.select(window, &run) { settled.contains($0) }
            sent += late.count
            try await self.send(late, source: source, run: &run, labels: labels)
        }
        let dropped = window.count - sent
        if dropped > 0 {
            run.duplicates += dropped
            self.metrics.duplicates.increment(labels, by: Double(dropped))
        }
        if run.failures.count == failuresBefore {
            guard try await self.ledger.recordSpoolProgress(blob, offset: last.offset + 1) else { throw LeaseLost() }
        }
    }

    /// The records at the indices `keep` accepts, minus Ids already met in this blob.
    private func select(_ window: [SplitRecord], _ run: inout DeliveryRun, keep: (Int) -> Bool) -> [SplitRecord] {
        var chosen: [SplitRecord] = []
        for index in window.indices where keep(index) {
            let record = window[index]
            if let id = record.id, run.seenInBlob.count < DeliveryRun.maxTrackedIds, !run.seenInBlob.insert(id) { continue }
            chosen.append(record)
        }
        return chosen
    }

    /// Routes `fresh` by each pending sink's filter and delivers to all of them concurrently.
    private func send(_ fresh: [SplitRecord], source: BlobSource, run: inout DeliveryRun, labels: [String: String]) async throws {
        guard !fresh.isEmpty else { return }
        let contentType = ContentType(caseInsensitive: source.contentType)
        let routed = run.pending.map { sink in
            (sink, fresh.filter { Self.accepts(sink.filter, $0, tenantId: source.tenantId, contentType: contentType) })
        }
        let results = await withTaskGroup(of: (String, Int, SinkFailure?).self) { group in
            for (sink, records) in routed where !records.isEmpty {
                group.addTask {
                    do {
                        try await sink.deliver(RecordBatch(source: source, records: records))
                        return (sink.name, records.count, nil)
                    } catch let error as SinkError {
                        return (sink.name, records.count, SinkFailure(message: error.message, retryAfter: error.retryAfter,
                                                                      permanent: error.kind == .permanent))
                    } catch {
                        return (sink.name, records.count, SinkFailure(message: "\(error)", retryAfter: nil))
                    }
                }
            }
            return await group.reduce(into: []) { $0.append($1) }
        }
        try Task.checkCancellation()
        var forwarded = Set<Int>()
        for (name, count, failure) in results {
            if let failure {
                run.failures[name] = failure
                continue
            }
            run.delivered[name, default: 0] += count
            self.metrics.records.increment(["sink": name], by: Double(count))
            if let records = routed.first(where: { $0.0.name == name })?.1 { forwarded.formUnion(records.map(\.offset)) }
        }
        run.pending.removeAll { run.failures[$0.name] != nil }
        self.observeLag(fresh.filter { forwarded.contains($0.offset) }, labels: labels)
    }

    /// One lag observation per record some sink accepted: now − `CreationTime`.
    private func observeLag(_ records: [SplitRecord], labels: [String: String]) {
        guard !records.isEmpty else { return }
        let now = self.clock.now()
        let lag = self.metrics.lag.bind(labels)
        for record in records { if let created = record.creationTime { lag.observe(max(0, now.timeIntervalSince(created))) } }
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
