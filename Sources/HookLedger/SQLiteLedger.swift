import Foundation
import HookSQLite

/// The production ``Ledger``: one SQLite file (mode 0600, WAL, `synchronous=FULL`), written through a
/// group commit so that concurrent notifications share one fsync.
public final class SQLiteLedger: Ledger {
    let database: SQLiteDatabase
    /// A second connection, on its own thread, that copies the WAL into the database file (see
    /// ``checkpointInBackground()``); nil when commits checkpoint as SQLite does by default.
    private let checkpointer: SQLiteDatabase?
    /// A read-only connection on its own thread for the operators' summaries (`/metrics`, `/healthz`), so
    /// that a scrape never queues on the thread that commits notifications; nil reads on ``database``.
    let reader: SQLiteDatabase?
    private let recorder: GroupCommit<RecordRequest, RecordOutcome>
    /// The forwarder's record claims, from every busy worker at once (see ``commitClaims(_:_:)``).
    let claimer: GroupCommit<ClaimRequest, [ClaimVerdict]>
    /// The newest claims, in memory and appended on disk, merged into `record_claims` in key order.
    let recent: RecentClaims
    /// Rung whenever a commit added new blobs (or a replay re-queued some), so idle workers in this
    /// process start at once; work added by another process (`backfill`) is found at their next idle check.
    public let newWork = WorkSignal()

    struct RecordRequest: Sendable {
        let notices: [BlobNotice]
        let source: DiscoverySource
        let now: Int64
    }

    private init(database: SQLiteDatabase, checkpointer: SQLiteDatabase?, reader: SQLiteDatabase?, claimMerge: ClaimMergeSettings,
                 pendingCap: PendingCap) {
        self.database = database
        self.checkpointer = checkpointer
        self.reader = reader
        let recent = RecentClaims(settings: claimMerge)
        self.recent = recent
        self.claimer = GroupCommit(database: database) { connection, batches in try Self.commitClaims(batches, connection, recent) }
        self.recorder = GroupCommit(database: database) { connection, batches in
            do {
                return try Self.commitNotices(batches, pendingCap, connection)
            } catch {
                pendingCap.reset()
                throw error
            }
        }
    }

    /// One group commit of notices (see ``insert(_:insert:sighting:pendingCap:_:)``).
    private static func commitNotices(
        _ batches: [GroupCommit<RecordRequest, RecordOutcome>.Batch], _ pendingCap: PendingCap, _ connection: SQLiteConnection
    ) throws -> [RecordOutcome] {
        try connection.transaction(.immediate) {
            // Both statements are looked up once per group commit, not once per caller.
            let insert = try connection.prepare(Self.insertSQL)
            let sighting = try connection.prepare(Self.sightingSQL)
            return try batches.map { batch in
                try batch.items.reduce(into: RecordOutcome()) { outcome, request in
                    let one = try Self.insert(request, insert: insert, sighting: sighting, pendingCap: pendingCap, connection)
                    outcome.inserted += one.inserted
                    outcome.duplicates += one.duplicates
                    outcome.refused += one.refused
                }
            }
        }
    }

    /// Opens (creating if needed) the ledger at `path` and applies its migrations.
    ///
    /// - Parameter backgroundCheckpoints: `serve` passes true: commits then never copy the WAL into the
    ///   database file themselves (a checkpoint of a large ledger can take tens of milliseconds, and the
    ///   commit that triggers it holds up every notification waiting behind it); the owner calls
    ///   ``checkpointInBackground()`` periodically instead, which runs on a second connection and thread.
    /// - Parameter claimMerge: how many claims are held before a merge, and merged per commit (tests make
    ///   merges happen after a few claims).
    /// - Parameter separateReader: `serve` passes true: ``summary(now:)``, ``sinkBacklog(sinks:)`` and
    ///   ``checkWritable()`` then run on a third connection with its own thread (WAL readers never block
    ///   the writer), not on the thread whose group commit answers the webhook.
    /// - Parameter maxPendingPerContentType: the cap on pending blobs per tenant × content type that webhook
    ///   notices may create (``PendingCap``); 0 for none.
    public static func open(path: String, backgroundCheckpoints: Bool = false, separateReader: Bool = false,
                            claimMerge: ClaimMergeSettings = ClaimMergeSettings(),
                            maxPendingPerContentType: Int = 0) async throws -> SQLiteLedger {
        let database = try await SQLiteDatabase.open(path: path, options: SQLiteOptions(autoCheckpointPages: backgroundCheckpoints ? 0 : 1000))
        try await database.migrate(LedgerSchema.migrations)
        let checkpointer = backgroundCheckpoints ? try await SQLiteDatabase.open(path: path, options: SQLiteOptions(autoCheckpointPages: 0)) : nil
        let reader = separateReader ? try await SQLiteDatabase.open(path: path, options: SQLiteOptions(autoCheckpointPages: 0)) : nil
        return SQLiteLedger(database: database, checkpointer: checkpointer, reader: reader, claimMerge: claimMerge,
                            pendingCap: PendingCap(limit: maxPendingPerContentType))
    }

    /// The connection summaries read from: the separate reader when there is one.
    var summaryDatabase: SQLiteDatabase { self.reader ?? self.database }

    /// Copies committed WAL pages into the database file from the checkpoint connection, without blocking
    /// commits (a passive checkpoint); returns the WAL frames still to copy, 0 when there is no checkpointer.
    ///
    /// A passive checkpoint never lets the WAL start over while a writer keeps appending (forwarding at full
    /// speed writes a claim page per record), so the WAL would grow without bound: 3.7 GB for a million
    /// records in `scripts/bench forward`, every commit extending the file, which also made forwarding 35%
    /// slower. Once the WAL holds ``walRestartFrames`` frames, a restart checkpoint follows the passive one:
    /// it copies the frames the passive one could not and makes the next commit write the WAL from its start
    /// again (the file keeps its size and is reused; `journal_size_limit`, which truncates it at each
    /// restart, made every later commit extend it again: intake p99 3 -> 86 ms). Commits wait for the
    /// restart, and it waits for readers, so intake's p99 under load rose from about 3 to about 6 ms.
    @discardableResult
    public func checkpointInBackground() async throws -> Int {
        guard let checkpointer = self.checkpointer else { return 0 }
        let (frames, copied) = try await checkpointer.write { connection -> (walFrames: Int, checkpointed: Int) in
            do {
                let passive = try connection.passiveCheckpoint()
                guard passive.walFrames >= Self.walRestartFrames else { return passive }
                return try connection.restartCheckpoint()
            } catch let error as SQLiteError where error.isBusy {
                // A lock the checkpoint needs is held (the writer is starting the WAL over, or a reader is on
                // an older snapshot past the busy timeout): nothing is wrong, the next round tries again.
                return (0, 0)
            }
        }
        return max(0, frames - copied)
    }

    /// WAL frames after which a background checkpoint restarts the WAL: 16,384, about 64 MB.
    static let walRestartFrames = 16_384

    /// Checkpoints the WAL into the database file and closes it (graceful shutdown).
    public func close() async {
        await self.reader?.close()
        await self.checkpointer?.close()
        try? await self.database.checkpoint()
        await self.database.close()
    }

    public func record(
        _ notices: [BlobNotice], source: DiscoverySource, at now: Date,
        completion: @escaping @Sendable (Result<RecordOutcome, any Error>) -> Void
    ) {
        guard !notices.isEmpty else { return completion(.success(RecordOutcome())) }
        self.recorder.submit([RecordRequest(notices: notices, source: source, now: now.epochMilliseconds)]) { [newWork] result in
            if case .success(let outcome) = result, outcome.inserted > 0 { newWork.ring() }
            completion(result.mapError { error in
                error is LedgerError ? error : LedgerError("cannot record notices: \(error)", isTransient: true)
            })
        }
    }

    static let insertSQL = """
        INSERT INTO blobs (tenant_id, content_id, content_type, content_uri, client_id, content_created,
                           content_expiration, first_source, first_seen_at, notified, listed, next_attempt_at)
        VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
        ON CONFLICT (tenant_id, content_id) DO NOTHING
        """
    static let sightingSQL = """
        UPDATE blobs SET seen_again = seen_again + 1, notified = notified | ?, listed = listed | ?
        WHERE tenant_id = ? AND content_id = ?
        """

    /// Inserts one request's notices with the two statements prepared for the whole group commit.
    private static func insert(
        _ request: RecordRequest, insert: SQLiteStatement, sighting: SQLiteStatement, pendingCap: PendingCap,
        _ connection: SQLiteConnection
    ) throws -> RecordOutcome {
        // A group's notices commit together or not at all, with one fsync; outside a transaction every insert
        // would commit (and fsync) on its own and no test would notice. Checked here so that one fails.
        guard connection.isInTransaction else {
            throw LedgerError("notices must be recorded inside the group commit's transaction", isTransient: false)
        }
        var outcome = RecordOutcome()
        let notified: Int64 = request.source == .webhook ? 1 : 0
        let listed: Int64 = request.source == .webhook ? 0 : 1
        for notice in request.notices {
            if request.source == .webhook, try !pendingCap.allows(notice, now: request.now, connection) {
                // Over the cap: a known blob is still a sighting; a new one is refused (the poller lists it later).
                try sighting.bind([.integer(notified), .integer(listed), .text(notice.tenantId), .text(notice.contentId)])
                try sighting.run()
                if connection.changes > 0 { outcome.duplicates += 1 } else { outcome.refused += 1 }
                continue
            }
            try insert.bind([
                .text(notice.tenantId), .text(notice.contentId), .text(notice.contentType), .text(notice.contentUri),
                notice.clientId.map { .text($0) } ?? .null, .integer(notice.contentCreated.epochMilliseconds),
                .integer(notice.contentExpiration.epochMilliseconds), .text(request.source.rawValue),
                .integer(request.now), .integer(notified), .integer(listed), .integer(request.now),
            ])
            try insert.run()
            if connection.changes > 0 {
                outcome.inserted += 1
                pendingCap.inserted(notice)
                continue
            }
            // Known blob: count the sighting, remember the path; state, attempts and times stay as they are.
            try sighting.bind([.integer(notified), .integer(listed), .text(notice.tenantId), .text(notice.contentId)])
            try sighting.run()
            outcome.duplicates += 1
        }
        return outcome
    }

    /// Commits made by the group committer and the record calls they carried (tests, diagnostics).
    public var groupCommitStats: (transactions: Int, batches: Int) { self.recorder.stats.withLock { $0 } }

    /// Without writing (so `/healthz` never queues on the thread that commits notifications): the last group
    /// commit of notifications must not have failed, and the ledger must be readable on the summary connection.
    public func checkWritable() async throws {
        if let failure = self.recorder.lastFailure {
            throw LedgerError("not writable: the last commit failed: \(failure)", isTransient: true)
        }
        do {
            _ = try await self.summaryDatabase.read { connection in try connection.query("SELECT 1 FROM blobs LIMIT 1", []) }
        } catch {
            throw LedgerError("not readable: \(error)", isTransient: true)
        }
    }

    public func state(tenantId: String, contentId: String) async throws -> BlobState? {
        let tenant = tenantId.lowercased()
        return try await self.database.read { connection in
            let rows = try connection.query(
                "SELECT state FROM blobs WHERE tenant_id = ? AND content_id = ?", [.text(tenant), .text(contentId)])
            return rows.first.flatMap { $0[0].textValue }.flatMap(BlobState.init(rawValue:))
        }
    }
}

extension SQLiteValue {
    var textValue: String? { if case .text(let text) = self { text } else { nil } }
    var intValue: Int64? { if case .integer(let value) = self { value } else { nil } }
}
