internal import Dispatch
internal import Foundation
internal import Synchronization

/// A dedicated thread that runs submitted jobs one at a time, in submission order.
///
/// Every SQLite call of a database runs here, never on Swift's cooperative pool: a commit with
/// `synchronous = FULL` blocks in fsync for milliseconds, and a busy database waits up to the busy timeout.
/// The thread lives until ``stop(after:)`` has run the last job.
final class SQLiteExecutor: Sendable {
    private enum Job {
        case run(@Sendable () -> Void)
        case stop
    }

    private struct State {
        var jobs: [Job] = []
        var head = 0
        var isAccepting = true
        var thread: pthread_t?
    }

    private let state = Mutex(State())
    /// Signalled once per enqueued job; the thread waits once per job it takes.
    private let jobAvailable = DispatchSemaphore(value: 0)
    /// Entered at start, left when the thread has run its last job.
    private let finished = DispatchGroup()

    /// The thread's name, as `top`, debuggers and `Thread.current.name` inside jobs show it.
    static let threadName = "HookSQLite"

    /// Starts the thread.
    init() {
        self.finished.enter()
        let started = DispatchSemaphore(value: 0)
        // The thread keeps the executor alive until it has processed `.stop`.
        let thread = Thread { [self] in
            // On Linux, Foundation names the OS thread only when the name is set from the thread itself,
            // and only once `start()` has returned (before that the setter has no thread to name).
            // The kernel limits names to 15 bytes.
            started.wait()
            Thread.current.name = Self.threadName
            self.runJobs()
        }
        thread.qualityOfService = .userInitiated
        thread.start()
        started.signal()
    }

    /// True when called from the executor's own thread.
    var isCurrent: Bool {
        guard let thread = self.state.withLock({ $0.thread }) else { return false }
        return pthread_equal(thread, pthread_self()) != 0
    }

    /// Queues `work`; false (and `work` dropped) once the executor is stopping.
    func submit(_ work: @escaping @Sendable () -> Void) -> Bool {
        let accepted = self.state.withLock { state in
            guard state.isAccepting else { return false }
            state.jobs.append(.run(work))
            return true
        }
        if accepted { self.jobAvailable.signal() }
        return accepted
    }

    /// Refuses further jobs, queues `last` after the jobs already queued, then ends the thread.
    /// Returns false when the executor was already stopping (and `last` is dropped).
    @discardableResult
    func stop(after last: @escaping @Sendable () -> Void) -> Bool {
        let accepted = self.state.withLock { state in
            guard state.isAccepting else { return false }
            state.isAccepting = false
            state.jobs.append(.run(last))
            state.jobs.append(.stop)
            return true
        }
        if accepted {
            self.jobAvailable.signal()
            self.jobAvailable.signal()
        }
        return accepted
    }

    /// Blocks until the thread has run its last job; returns at once if it already has.
    func waitUntilStopped() { self.finished.wait() }

    /// Calls `done` (on a Dispatch thread) once the thread has run its last job.
    func notifyWhenStopped(_ done: @escaping @Sendable () -> Void) {
        self.finished.notify(queue: .global(qos: .userInitiated), execute: done)
    }

    private func runJobs() {
        self.state.withLock { $0.thread = pthread_self() }
        while true {
            self.jobAvailable.wait()
            let job = self.state.withLock { state -> Job in
                let job = state.jobs[state.head]
                state.head += 1
                if state.head == state.jobs.count {
                    state.jobs.removeAll(keepingCapacity: true)
                    state.head = 0
                } else if state.head >= 64 && state.head * 2 >= state.jobs.count {
                    state.jobs.removeFirst(state.head)
                    state.head = 0
                }
                return job
            }
            switch job {
            case .run(let work):
                work()
            case .stop:
                self.finished.leave()
                return
            }
        }
    }
}
