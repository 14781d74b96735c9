import HookSQLite
import Synchronization

/// Lets concurrent callers share one transaction, and so one fsync, on the database thread.
///
/// Each caller appends its batch to `pending`, then submits one database job. The database runs jobs one
/// at a time in order: the first job to run takes *every* pending batch, commits them together and fills
/// each batch's result; the jobs that run after it find their batch already done. Because a caller's
/// batch is queued before its own job, its result is always filled by the time that job has run.
final class GroupCommit<Item: Sendable, Output: Sendable>: Sendable {
    /// One caller's batch and the slot for its outcome.
    final class Batch: Sendable {
        let items: [Item]
        let result = Mutex<Result<Output, any Error>?>(nil)
        init(items: [Item]) { self.items = items }
    }

    private let database: SQLiteDatabase
    private let pending = Mutex<[Batch]>([])
    /// Transactions committed and batches they carried, to show that batching happens.
    let stats = Mutex<(transactions: Int, batches: Int)>((0, 0))
    /// Applies many batches inside one open transaction and returns each batch's output, in order.
    private let apply: @Sendable (SQLiteConnection, [Batch]) throws -> [Output]

    init(database: SQLiteDatabase, apply: @escaping @Sendable (SQLiteConnection, [Batch]) throws -> [Output]) {
        self.database = database
        self.apply = apply
    }

    /// Commits `items` (possibly together with other callers' batches) and returns this batch's output.
    func commit(_ items: [Item]) async throws -> Output {
        let batch = Batch(items: items)
        self.pending.withLock { $0.append(batch) }
        let apply = self.apply
        try await self.database.write { [self] connection in
            let batches = self.pending.withLock { queue in
                defer { queue.removeAll(keepingCapacity: true) }
                return queue
            }
            guard !batches.isEmpty else { return }  // an earlier job committed ours
            do {
                let outputs = try connection.transaction(.immediate) { try apply(connection, batches) }
                self.stats.withLock { $0.transactions += 1; $0.batches += batches.count }
                for (batch, output) in zip(batches, outputs) { batch.result.withLock { $0 = .success(output) } }
            } catch {
                // The whole group rolled back: every caller in it learns that nothing was stored.
                for batch in batches { batch.result.withLock { $0 = .failure(error) } }
            }
        }
        guard let result = batch.result.withLock({ $0 }) else {
            throw LedgerError("group commit finished without a result for this batch", isTransient: true)
        }
        return try result.get()
    }

    /// Batches waiting to be committed (for tests and metrics).
    var waiting: Int { self.pending.withLock { $0.count } }
}
