import Foundation

/// How one sink's delivery loop is doing, as `status` and `/metrics` show it.
public enum SinkDeliveryState: String, Sendable, CaseIterable {
    /// Records go out (or the sink is caught up).
    case delivering
    /// The destination failed in a way that may clear up; the loop retries with back-off.
    case retrying
    /// The destination refused us (401/403, a missing directory): an operator must act. The loop keeps
    /// retrying slowly and the records wait in the spool.
    case permanent
}

/// One sink's durable place in the spool and its delivery state.
public struct SinkCursor: Sendable, Equatable {
    /// The sink's configured name.
    public var sink: String
    /// The spool sequence of the next entry the sink has not accepted.
    public var next: UInt64
    public var state: SinkDeliveryState
    /// Since when the state holds (nil while delivering).
    public var since: Date?
    /// The destination's own message for a retrying or permanent state.
    public var message: String?

    public init(sink: String, next: UInt64, state: SinkDeliveryState = .delivering, since: Date? = nil, message: String? = nil) {
        self.sink = sink
        self.next = next
        self.state = state
        self.since = since
        self.message = message
    }
}

/// The ledger's side of the spool (issue 13, docs/spool.md): how far each blob's records are durable in
/// the spool, and each sink's cursor. The spool is a durable cache in front of the truth, which is the
/// ledger plus Microsoft's 7-day store: a blob is `spooled` once every record it holds is in the spool, and
/// `done` once every sink's cursor has passed its last entry.
///
/// Crash ordering (ARCHITECTURE.md): claims commit → the window's entries are appended and fsynced → the
/// ledger records the window (``recordSpoolProgress(_:offset:)``) → … → ``markSpooled(_:lastSequence:sinks:now:)``
/// → a sink's destination accepts → ``advanceCursor(sink:to:sinks:now:)``.
public protocol DeliveryLedger: Sendable {
    /// Records that the blob's records before byte `offset` of its content are durable in the spool (the
    /// newest at `lastSequence`, when it has one), so an attempt after a crash skips them, and that its claims
    /// are no longer ahead of its spool. False when the lease was lost. Not synced on its own: a progress
    /// lost to a power cut only spools a window again.
    func recordSpoolProgress(_ blob: LeasedBlob, offset: Int, lastSequence: UInt64?) async throws -> Bool

    /// Ends the blob's fetch: every record is in the spool, the last at `lastSequence` (nil: the blob added
    /// none). The blob becomes `spooled`, or `done` when every sink in `sinks` has already passed it.
    /// False when the lease was lost.
    func markSpooled(_ blob: LeasedBlob, lastSequence: UInt64?, sinks: [String], now: Date) async throws -> Bool

    /// Every sink's cursor.
    func sinkCursors() async throws -> [SinkCursor]

    /// Creates a cursor at `next` for each of `sinks` that has none (a new sink starts at the spool's end),
    /// and records it as having accepted every spooled blob before that point.
    func createCursors(_ sinks: [String], at next: UInt64, allSinks: [String], now: Date) async throws

    /// Moves `sink`'s cursor to `next` after its destination accepted everything before it: the sink is
    /// recorded as having accepted each spooled blob whose last entry is below `next`, and a blob that every
    /// sink of `sinks` has passed becomes `done`. Returns how many blobs became done.
    @discardableResult
    func advanceCursor(sink: String, to next: UInt64, sinks: [String], now: Date) async throws -> Int

    /// Records a sink's delivery state for `status` (with the destination's message).
    func setSinkState(sink: String, state: SinkDeliveryState, message: String?, now: Date) async throws

    /// The spool was lost: every `spooled` blob is queued to be fetched again (its claims are its own, so its
    /// records are spooled again) and every cursor moves to `cursor`, the new spool's start. Returns how many.
    func requeueSpooled(cursor: UInt64, now: Date) async throws -> Int
}

extension DeliveryLedger {
    /// Records spool progress of a blob that added no entry in this step.
    public func recordSpoolProgress(_ blob: LeasedBlob, offset: Int) async throws -> Bool {
        try await self.recordSpoolProgress(blob, offset: offset, lastSequence: nil)
    }
}
