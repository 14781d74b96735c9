internal import Dispatch

extension SQLiteExecutor {
    /// Runs `body` on the executor thread and suspends the calling task (not a thread) until it finishes.
    ///
    /// The job runs to completion even if the calling task is cancelled: a write either happens or not,
    /// and the caller learns which.
    func perform<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            let accepted = self.submit { continuation.resume(with: Result { try body() }) }
            if !accepted { continuation.resume(throwing: SQLiteError.closed) }
        }
    }

    /// Runs `body` on the executor thread and blocks the calling thread until it finishes.
    ///
    /// For callers that are not async (initialisers, fixtures, command-line tools). Calling it from the
    /// executor's own thread would wait for itself forever, so that is refused.
    func sync<T>(_ body: () throws -> T) throws -> T {
        guard !self.isCurrent else {
            throw SQLiteError.misuse("a synchronous database call from the database's own thread would deadlock")
        }
        // The body does not escape: this call blocks until the job has run it and dropped it.
        return try withoutActuallyEscaping(body) { body in
            let job = BlockingJob(body)
            guard self.submit({ job.run() }) else { throw SQLiteError.closed }
            return try job.waitForResult()
        }
    }
}

/// One synchronous call handed to the executor thread.
///
/// `@unchecked Sendable` invariant: the submitting thread writes `body` before submitting and reads
/// `result` only after `done` is signalled; the executor thread reads and clears `body` and writes `result`
/// before signalling. The semaphore orders every access, so no two threads touch a field at once. `body`
/// is cleared before the signal so that `withoutActuallyEscaping` finds it unreferenced when the call returns.
private final class BlockingJob<T>: @unchecked Sendable {
    private var body: (() throws -> T)?
    private var result: Result<T, any Error>?
    private let done = DispatchSemaphore(value: 0)

    init(_ body: @escaping () throws -> T) { self.body = body }

    /// Runs on the executor thread.
    func run() {
        if let body = self.body {
            self.body = nil
            self.result = Result { try body() }
        }
        self.done.signal()
    }

    /// Runs on the submitting thread.
    func waitForResult() throws -> T {
        self.done.wait()
        guard let result = self.result else { throw SQLiteError.closed }
        return try result.get()
    }
}
