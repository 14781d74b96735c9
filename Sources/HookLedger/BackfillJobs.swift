import Foundation

/// What `activityhook backfill` asks for: a past range, optionally one tenant and one content type.
public struct BackfillRequest: Sendable, Equatable {
    /// Start of the range.
    public var since: Date
    /// End of the range; nil means the server's now when serve starts the job.
    public var until: Date?
    /// Only this tenant (lowercase), or every configured one.
    public var tenantId: String?
    /// Only this content type, or every configured one.
    public var contentType: String?

    /// Creates a request.
    public init(since: Date, until: Date? = nil, tenantId: String? = nil, contentType: String? = nil) {
        self.since = since
        self.until = until
        self.tenantId = tenantId?.lowercased()
        self.contentType = contentType
    }
}

/// Where a backfill job is: waiting for serve, being listed, listed (its blobs are forwarded by the
/// workers like any other), or failed (the error says why).
public enum BackfillJobState: String, Sendable, CaseIterable {
    case queued, running, listed, failed
}

/// A backfill job and its progress.
public struct BackfillJob: Sendable, Equatable {
    public var id: Int64
    public var request: BackfillRequest
    public var state: BackfillJobState
    public var createdAt: Date
    /// Windows planned over every tenant × content type (0 until serve starts the job).
    public var windowsTotal: Int
    /// Windows listed and committed.
    public var windowsListed: Int
    /// Distinct blobs the listings found (new or already known).
    public var blobsFound: Int
    /// Of those, blobs forwarded (done, or no longer in the ledger because done blobs were pruned).
    public var blobsForwarded: Int
    /// Of those, blobs finished any way: forwarded, dead or expired.
    public var blobsFinished: Int
    /// Why the job failed.
    public var error: String?

    /// Listing is over and every blob found is finished: nothing more will change.
    public var isFinished: Bool {
        self.state == .failed || (self.state == .listed && self.blobsFinished >= self.blobsFound)
    }
}

/// The backfill jobs of a ledger (docs/request-budget.md): the CLI records them, serve runs them.
public protocol BackfillJobStore: Sendable {
    /// Records a queued job; returns its id.
    func addBackfillJob(_ request: BackfillRequest, now: Date) async throws -> Int64

    /// Takes the oldest queued job (it becomes running), or nil.
    func claimBackfillJob(now: Date) async throws -> BackfillJob?

    /// Sets a running job's planned window count.
    func setBackfillWindows(jobId: Int64, total: Int) async throws

    /// Counts one more listed window of a job and the blobs (of `tenantId`) it found.
    func addBackfillWindow(jobId: Int64, tenantId: String, contentIds: [String]) async throws

    /// Ends a running job: listed, or failed with `error`.
    func finishBackfillJob(jobId: Int64, error: String?, now: Date) async throws

    /// Puts running jobs back in the queue with their progress reset (serve at start, holding the serve
    /// lock: a job left running was interrupted). Returns how many.
    func requeueRunningBackfillJobs() async throws -> Int

    /// One job and its progress, or nil.
    func backfillJob(id: Int64) async throws -> BackfillJob?

    /// The newest `limit` jobs, newest first.
    func backfillJobs(limit: Int) async throws -> [BackfillJob]
}

/// A job of the ``InMemoryLedger``.
struct InMemoryBackfillJob: Sendable {
    var job: BackfillJob
    var blobs: Set<String> = []
}

extension InMemoryLedger: BackfillJobStore {
    public func addBackfillJob(_ request: BackfillRequest, now: Date) async throws -> Int64 {
        self.jobs.withLock { jobs in
            let id = jobs.nextID
            jobs.nextID += 1
            jobs.byId[id] = InMemoryBackfillJob(job: BackfillJob(
                id: id, request: request, state: .queued, createdAt: now, windowsTotal: 0, windowsListed: 0,
                blobsFound: 0, blobsForwarded: 0, blobsFinished: 0))
            return id
        }
    }

    public func claimBackfillJob(now: Date) async throws -> BackfillJob? {
        let id: Int64? = self.jobs.withLock { jobs in
            guard let id = jobs.byId.values.filter({ $0.job.state == .queued }).map(\.job.id).min() else { return nil }
            jobs.byId[id]?.job.state = .running
            return id
        }
        guard let id else { return nil }
        return try await self.backfillJob(id: id)
    }

    public func setBackfillWindows(jobId: Int64, total: Int) async throws {
        self.jobs.withLock { $0.byId[jobId]?.job.windowsTotal = total }
    }

    public func addBackfillWindow(jobId: Int64, tenantId: String, contentIds: [String]) async throws {
        self.jobs.withLock { jobs in
            jobs.byId[jobId]?.job.windowsListed += 1
            for id in contentIds { jobs.byId[jobId]?.blobs.insert(Self.key(tenantId, id)) }
        }
    }

    public func finishBackfillJob(jobId: Int64, error: String?, now: Date) async throws {
        self.jobs.withLock { jobs in
            jobs.byId[jobId]?.job.state = error == nil ? .listed : .failed
            jobs.byId[jobId]?.job.error = error
        }
    }

    public func requeueRunningBackfillJobs() async throws -> Int {
        self.jobs.withLock { jobs in
            var count = 0
            for (id, entry) in jobs.byId where entry.job.state == .running {
                jobs.byId[id]?.job.state = .queued
                jobs.byId[id]?.job.windowsListed = 0
                jobs.byId[id]?.job.windowsTotal = 0
                jobs.byId[id]?.blobs = []
                count += 1
            }
            return count
        }
    }

    public func backfillJob(id: Int64) async throws -> BackfillJob? {
        guard let entry = self.jobs.withLock({ $0.byId[id] }) else { return nil }
        return self.withProgress(entry)
    }

    public func backfillJobs(limit: Int) async throws -> [BackfillJob] {
        let entries = self.jobs.withLock { jobs in jobs.byId.values.sorted { $0.job.id > $1.job.id }.prefix(max(0, limit)) }
        return entries.map(self.withProgress)
    }

    private func withProgress(_ entry: InMemoryBackfillJob) -> BackfillJob {
        let states = self.rows.withLock { rows in entry.blobs.map { rows.byKey[$0]?.state } }
        var job = entry.job
        job.blobsFound = entry.blobs.count
        job.blobsForwarded = states.filter { $0 == nil || $0 == .done }.count
        job.blobsFinished = states.filter { $0 == nil || $0 == .done || $0 == .dead || $0 == .expired }.count
        return job
    }
}
