import Foundation

/// Reads the spool in order from a sequence, for one delivery loop (docs/spool.md).
///
/// It keeps its segment open and its place in it, so reading on costs one buffered `pread` per megabyte.
/// Only durable entries are returned (below ``Spool/end``). Each reader has a queue of its own, so a
/// slow disk read for one sink never waits behind another sink's or the writer's fsync.
// Invariant for @unchecked Sendable: `scanner` and `position` are touched only on `queue`; one loop owns
// the reader and awaits each read before the next.
public final class SpoolReader: @unchecked Sendable {
    private let spool: Spool
    private let queue = DispatchQueue(label: "activityhook.spool.reader")
    private var scanner: SegmentScanner?
    /// The first sequence of the scanner's segment.
    private var scannerSegment: UInt64 = 0
    /// The sequence of the next entry to return.
    public private(set) var position: UInt64

    /// A reader whose first entry will be `sequence`.
    public init(spool: Spool, from sequence: UInt64) {
        self.spool = spool
        self.position = sequence
    }

    /// Up to `maxEntries` entries (and about `maxBytes`; at least one) from the reader's position; empty when
    /// it is at the spool's end. Throws ``SpoolError`` when a durable entry no longer reads back.
    public func read(maxEntries: Int, maxBytes: Int) async throws -> [SpoolEntry] {
        try await withCheckedThrowingContinuation { continuation in
            self.queue.async {
                continuation.resume(with: Result { try self.readNow(maxEntries: maxEntries, maxBytes: maxBytes) })
            }
        }
    }

    /// Moves the reader to `sequence` (a cursor reset).
    public func seek(to sequence: UInt64) async {
        await withCheckedContinuation { continuation in
            self.queue.async {
                self.position = sequence
                self.scanner = nil
                continuation.resume()
            }
        }
    }

    private func readNow(maxEntries: Int, maxBytes: Int) throws -> [SpoolEntry] {
        let (end, first, segments) = self.spool.state.withLock { ($0.end, $0.first, $0.segments.map(\.first)) }
        guard self.position < end else { return [] }
        guard self.position >= first else {
            throw SpoolError(.corrupt, "entry \(self.position) was deleted from the spool (its oldest entry is \(first))")
        }
        var entries: [SpoolEntry] = []
        var bytes = 0
        while entries.count < maxEntries, bytes < maxBytes, self.position < end {
            if self.scanner == nil || self.scanner?.expected != self.position {
                self.scanner = try self.open(at: self.position, segments: segments)
            }
            guard let (sequence, frame) = try self.scanner!.next(upTo: end) else {
                // The end of this segment's frames: the next segment must start right here.
                guard segments.contains(self.position), self.scannerSegment != self.position else {
                    throw SpoolError(.corrupt, "entry \(self.position) does not read back from the spool")
                }
                self.scanner = try self.open(at: self.position, segments: segments)
                continue
            }
            guard let entry = frame.withUnsafeBytes({ SpoolCodec.decode($0) }), entry.sequence == sequence else {
                throw SpoolError(.corrupt, "entry \(sequence) does not decode")
            }
            entries.append(entry)
            bytes += entry.frameBytes
            self.position = sequence + 1
        }
        return entries
    }

    /// A scanner positioned at `sequence`: in the newest segment starting at or before it, skipping frames.
    private func open(at sequence: UInt64, segments: [UInt64]) throws -> SegmentScanner {
        guard let first = segments.last(where: { $0 <= sequence }) else {
            throw SpoolError(.corrupt, "no spool segment holds entry \(sequence)")
        }
        var scanner = try SegmentScanner(file: SpoolFile(path: SpoolSegments.path(self.spool.configuration.directory, first: first), writable: false))
        self.scannerSegment = first
        while scanner.expected < sequence {
            guard try scanner.next(upTo: sequence) != nil else {
                throw SpoolError(.corrupt, "entry \(sequence) is not in segment \(first)")
            }
        }
        return scanner
    }
}
