import Foundation
import HookRecords

/// One record to append: its original bytes and fields (``SplitRecord``) and the blob it came from.
public struct SpoolRecord: Sendable {
    /// The blob.
    public var origin: BlobSource
    /// The record, bytes never re-encoded.
    public var record: SplitRecord

    /// Creates a record to append.
    public init(origin: BlobSource, record: SplitRecord) {
        self.origin = origin
        self.record = record
    }
}

/// One durable entry read back from the spool.
public struct SpoolEntry: Sendable {
    /// Position in the spool: every entry's is one more than the one before, for the spool's whole life.
    public var sequence: UInt64
    /// When the entry was appended (for the age of the oldest unsent record).
    public var appendedAt: Date
    /// The blob.
    public var origin: BlobSource
    /// The record.
    public var record: SplitRecord
    /// Bytes the entry takes in its segment (frame included).
    public var frameBytes: Int
}

/// The sequence numbers one append was given: `first..<end` (empty when nothing was appended).
public struct SpoolRange: Sendable, Equatable {
    /// The first entry's sequence.
    public var first: UInt64
    /// One past the last entry's sequence.
    public var end: UInt64

    /// Creates a range.
    public init(first: UInt64, end: UInt64) {
        self.first = first
        self.end = end
    }

    /// The last entry's sequence, nil when empty.
    public var last: UInt64? { end > first ? end - 1 : nil }
}
