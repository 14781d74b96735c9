import Foundation

/// Reads a segment's frames in order through a buffer of about a megabyte, so a reader makes a few large
/// `pread`s instead of one per entry.
///
/// A segment starts with a 16-byte header: `AHSPOOL1` and the sequence of its first entry (u64 LE). A frame
/// that is cut short, fails its checksum or breaks the sequence ends the readable part: ``next()`` returns
/// nil and ``validEnd`` is the offset after the last good frame (the torn tail after a crash).
struct SegmentScanner {
    static let magic = Array("AHSPOOL1".utf8)
    static let headerBytes = 16
    private static let bufferBytes = 256 << 10

    let file: SpoolFile
    /// The sequence the next frame must carry.
    private(set) var expected: UInt64
    /// The offset just after the last frame returned.
    private(set) var validEnd: Int
    private var buffer: [UInt8] = []
    private var bufferOffset = 0  // file offset of buffer[0]
    private var fileEnd: Int

    /// Opens the scanner at the first frame, after checking the header; `firstSequence` comes from the header.
    init(file: SpoolFile) throws(SpoolError) {
        var header: [UInt8] = []
        try file.read(into: &header, count: Self.headerBytes, at: 0)
        guard header.count == Self.headerBytes, Array(header[0..<8]) == Self.magic else {
            throw SpoolError(.corrupt, "\(file.path) is not a spool segment (bad header)")
        }
        self.file = file
        self.expected = header.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 8, as: UInt64.self).littleEndian }
        self.validEnd = Self.headerBytes
        self.bufferOffset = Self.headerBytes
        self.fileEnd = try file.size
    }

    /// The header of a new segment whose first entry is `first`.
    static func header(first: UInt64) -> [UInt8] {
        var bytes = Self.magic
        withUnsafeBytes(of: first.littleEndian) { bytes.append(contentsOf: $0) }
        return bytes
    }

    /// The next frame's bytes (header included) with its sequence, or nil at the end of the good frames.
    /// With `upTo`, frames at or past that sequence are not read (a reader stops at the durable end).
    mutating func next(upTo limit: UInt64 = .max) throws(SpoolError) -> (sequence: UInt64, frame: ArraySlice<UInt8>)? {
        guard self.expected < limit else { return nil }
        guard let header = try self.bytes(at: self.validEnd, count: SpoolCodec.frameHeader),
              let length = header.withUnsafeBytes({ SpoolCodec.payloadLength($0) }),
              let frame = try self.bytes(at: self.validEnd, count: SpoolCodec.frameHeader + length)
        else { return nil }
        guard let sequence = frame.withUnsafeBytes({ SpoolCodec.sequence($0) }), sequence == self.expected else { return nil }
        self.validEnd += frame.count
        self.expected += 1
        return (sequence, frame)
    }

    /// `count` bytes at `offset` from the buffer, refilled as needed; nil when the file ends first.
    private mutating func bytes(at offset: Int, count: Int) throws(SpoolError) -> ArraySlice<UInt8>? {
        if offset + count > self.bufferOffset + self.buffer.count {
            if offset + count > self.fileEnd { self.fileEnd = try self.file.size }
            guard offset + count <= self.fileEnd else { return nil }
            try self.file.read(into: &self.buffer, count: max(Self.bufferBytes, count), at: offset)
            self.bufferOffset = offset
            guard self.buffer.count >= count else { return nil }
        }
        let start = offset - self.bufferOffset
        return self.buffer[start..<start + count]
    }
}
