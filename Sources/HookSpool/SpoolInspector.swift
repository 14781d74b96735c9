import Foundation

/// Reads a spool that another process (a running `serve`) owns, without changing anything: for `status`.
///
/// It never cuts a torn tail (the tail may be an append in progress) and only reads: the newest segment to
/// find the durable end, and the segment holding a cursor to find where the cursor stands in bytes.
public enum SpoolInspector {
    /// What a spool holds past one sink's cursor.
    public struct Lag: Sendable, Equatable {
        /// Entries from the cursor to the end.
        public var entries: UInt64
        /// Bytes of those entries (frames included).
        public var bytes: Int64
        /// When the entry at the cursor was appended (nil when the sink is caught up).
        public var oldestAppendedAt: Date?

        public init(entries: UInt64, bytes: Int64, oldestAppendedAt: Date?) {
            self.entries = entries
            self.bytes = bytes
            self.oldestAppendedAt = oldestAppendedAt
        }
    }

    /// The spool's whole size and end.
    public struct Summary: Sendable, Equatable {
        public var end: UInt64
        public var bytes: Int64
        public var segments: Int
    }

    public static func summary(directory: String) async throws -> Summary {
        try await Self.offPool { try Self.summaryNow(directory) }
    }

    /// The lag of a cursor at `cursor`.
    public static func lag(directory: String, cursor: UInt64) async throws -> Lag {
        try await Self.offPool { try Self.lagNow(directory, cursor: cursor) }
    }

    private static func offPool<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "activityhook.spool.inspect").async { continuation.resume(with: Result { try body() }) }
        }
    }

    static func summaryNow(_ directory: String) throws -> Summary {
        guard FileManager.default.fileExists(atPath: directory) else { return Summary(end: 0, bytes: 0, segments: 0) }
        let firsts = try SpoolSegments.list(directory)
        var bytes: Int64 = 0
        for first in firsts { bytes += Int64(try SpoolFile(path: SpoolSegments.path(directory, first: first), writable: false).size) }
        guard let last = firsts.last else { return Summary(end: 0, bytes: 0, segments: 0) }
        var scanner = try SegmentScanner(file: SpoolFile(path: SpoolSegments.path(directory, first: last), writable: false))
        while try scanner.next() != nil {}
        return Summary(end: scanner.expected, bytes: bytes, segments: firsts.count)
    }

    static func lagNow(_ directory: String, cursor: UInt64) throws -> Lag {
        let summary = try Self.summaryNow(directory)
        guard cursor < summary.end else { return Lag(entries: 0, bytes: 0, oldestAppendedAt: nil) }
        let firsts = try SpoolSegments.list(directory)
        guard let first = firsts.last(where: { $0 <= cursor }) else {
            return Lag(entries: summary.end - cursor, bytes: summary.bytes, oldestAppendedAt: nil)
        }
        let file = try SpoolFile(path: SpoolSegments.path(directory, first: first), writable: false)
        var scanner = try SegmentScanner(file: file)
        while scanner.expected < cursor, try scanner.next(upTo: cursor) != nil {}
        let offset = scanner.validEnd
        var oldest: Date?
        if let frame = try scanner.next(), let entry = frame.frame.withUnsafeBytes({ SpoolCodec.decode($0) }) { oldest = entry.appendedAt }
        var bytes = Int64(try file.size - offset)
        for later in firsts where later > first {
            bytes += Int64(try SpoolFile(path: SpoolSegments.path(directory, first: later), writable: false).size - SegmentScanner.headerBytes)
        }
        return Lag(entries: summary.end - cursor, bytes: bytes, oldestAppendedAt: oldest)
    }
}
