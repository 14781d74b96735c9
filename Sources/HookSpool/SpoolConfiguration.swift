/// Where the spool lives and how large it may grow (docs/spool.md).
public struct SpoolConfiguration: Sendable {
    /// The directory of segment files (created with mode 0700 when missing).
    public var directory: String
    /// When the segments reach this size, the fetch stage stops leasing blobs (nothing is ever dropped).
    public var maxBytes: Int64
    /// A segment is closed and a new one started past this size; whole segments are deleted.
    public var segmentBytes: Int

    /// 8 GiB: several days of a busy tenant's audit records (at about 1.5 KB a record, five million
    /// records), while Microsoft keeps the rest for 7 days. See docs/spool.md.
    public static let defaultMaxBytes: Int64 = 8 << 30
    /// 64 MiB: small enough that a spent segment frees space soon, large enough that files stay few.
    public static let defaultSegmentBytes = 64 << 20

    /// Creates a configuration.
    public init(directory: String, maxBytes: Int64 = Self.defaultMaxBytes, segmentBytes: Int = Self.defaultSegmentBytes) {
        self.directory = directory
        self.maxBytes = maxBytes
        self.segmentBytes = segmentBytes
    }
}

/// What opening the spool found and repaired.
public struct SpoolRecovery: Sendable, Equatable {
    /// Bytes cut from the end of the last segment: a torn append (the crash came before its fsync).
    public var cutBytes: Int
    /// Entries found durable.
    public var entries: UInt64
    /// The ledger's cursors were ahead of the spool's end (the spool was lost or replaced): entries up to
    /// `minimumNext` are gone, and the blobs not yet accepted by every sink must be fetched again.
    public var lost: Bool
}
