import Glibc
import HookSQLite
import Synchronization

/// Lets concurrent callers share one transaction, and so one fsync, on the database thread.
///
/// Callers append their batch with a completion; at most one drain job runs on the database thread at a
/// time. It takes *every* waiting batch, commits them in one transaction, calls each completion, and
/// loops until nothing waits; then it stops, and the next caller starts a new one. A caller therefore
/// never waits for more than the commit in progress plus its own, and no task or thread hop is spent per
/// caller. `running` is cleared under the same lock that sees the queue empty, so no batch is stranded.
final class GroupCommit<Item: Sendable, Output: Sendable>: Sendable {
    struct Batch: Sendable {
        let items: [Item]
        let completion: @Sendable (Result<Output, any Error>) -> Void
    }

    private let database: SQLiteDatabase
    private let state = Mutex<(pending: [Batch], running: Bool)>(([], false))
    /// Transactions committed and batches they carried, to show that batching happens.
    let stats = Mutex<(transactions: Int, batches: Int)>((0, 0))
    /// The error of the last commit when it failed; cleared by the next one that succeeds (`/healthz`).
    private let lastError = Mutex<String?>(nil)
    var lastFailure: String? { self.lastError.withLock { $0 } }
    /// Commits many batches in one transaction and returns each batch's output, in order.
    private let commit: @Sendable (SQLiteConnection, [Batch]) throws -> [Output]

    /// `commit` runs the whole group, its transaction included (the notifications use an IMMEDIATE one,
    /// durable by the connection's `synchronous`; the claims a relaxed one).
    init(database: SQLiteDatabase, commit: @escaping @Sendable (SQLiteConnection, [Batch]) throws -> [Output]) {
        self.database = database
        self.commit = commit
    }

    /// Queues `items`; `completion` runs on the database thread once they are committed (or failed).
    func submit(_ items: [Item], completion: @escaping @Sendable (Result<Output, any Error>) -> Void) {
        let start = self.state.withLock { state -> Bool in
            state.pending.append(Batch(items: items, completion: completion))
            defer { state.running = true }
            return !state.running
        }
        guard start else { return }
        self.database.enqueue({ [self] connection in self.drain(connection) }, completion: { [self] result in
            // Only reached without draining when the database refused the job (closed): fail everyone waiting.
            if case .failure(let error) = result { self.failAll(error) }
        })
    }

    /// The same, for async callers.
    func submit(_ items: [Item]) async throws -> Output {
        try await withCheckedThrowingContinuation { continuation in
            self.submit(items) { continuation.resume(with: $0) }
        }
    }

    private func drain(_ connection: SQLiteConnection) {
        var previous = 0
        while true {
            var batches = self.takePending()
            guard !batches.isEmpty else { return }
            // Under load (the last commit carried several callers) a commit that would carry only a few
            // waits up to 200 µs for the rest, which arrive as the last commit's answers go out: fewer,
            // fuller commits mean fewer fsyncs for the same durability. Idle traffic never waits.
            if previous >= 4 && batches.count < previous / 2 {
                usleep(200)
                batches += self.takePending(keepRunning: true)
            }
            previous = batches.count
            do {
                let outputs = try self.commit(connection, batches)
                self.stats.withLock { $0.transactions += 1; $0.batches += batches.count }
                self.lastError.withLock { $0 = nil }
                for (batch, output) in zip(batches, outputs) { batch.completion(.success(output)) }
            } catch {
                // The whole group rolled back: every caller in it learns that nothing was stored.
                self.lastError.withLock { $0 = "\(error)" }
                for batch in batches { batch.completion(.failure(error)) }
            }
        }
    }

    /// Takes every waiting batch; when none waits (and `keepRunning` is false) the drain is over.
    private func takePending(keepRunning: Bool = false) -> [Batch] {
        self.state.withLock { state -> [Batch] in
            if state.pending.isEmpty && !keepRunning { state.running = false }
            defer { state.pending.removeAll(keepingCapacity: true) }
            return state.pending
        }
    }

    private func failAll(_ error: any Error) {
        let batches = self.state.withLock { state -> [Batch] in
            state.running = false
            defer { state.pending.removeAll() }
            return state.pending
        }
        for batch in batches { batch.completion(.failure(error)) }
    }
}
