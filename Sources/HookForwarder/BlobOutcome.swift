import HookLedger
import Foundation

/// What one attempt at a leased blob ended with.
public enum BlobOutcome: Sendable, Equatable {
    /// Every new record of the blob is in the spool (the sinks take them from there).
    case done
    /// Put back for another attempt at `at`; `reason` names what failed (the fetch, the body, or the sinks).
    case retry(at: Date, reason: String)
    /// Given up for a permanent reason (AF20050/51/52, unparseable too often), stored with the blob.
    case dead(reason: String)
    /// Its content expired before it was forwarded: nothing was fetched.
    case expired
    /// Handed back unfinished (graceful shutdown); the attempt does not count.
    case released
    /// The lease was lost (expired and taken by another worker, or the ledger failed); nothing was recorded.
    case abandoned(reason: String)
}

/// A blob the pool finished with, and how (``WorkerPool/outcomes``).
public struct FinishedBlob: Sendable {
    /// The lease the worker held.
    public let blob: LeasedBlob
    /// What became of it.
    public let outcome: BlobOutcome
}
