/// Splits a content blob (a JSON array of audit records) into records as its bytes arrive.
///
/// A push parser: `feed` each chunk as the HTTP body streams in (chunks may be cut anywhere, even inside
/// a string, an escape, a number or a UTF-8 sequence) and receive the records that chunk completed;
/// call `finish` at the end of the body. Each record keeps its original bytes exactly, so sinks forward
/// what Microsoft served, never a re-encoding.
///
/// Memory is bounded by the largest record plus one chunk: only the bytes of a record cut by a chunk
/// boundary are kept between calls, never the blob. The bytes are validated in the same single pass
/// (RFC 8259 grammar, UTF-8, nesting depth, record size), so an invalid blob fails as a whole and no
/// half record is ever returned. After an error every later call throws the same error.
public struct RecordSplitter: Sendable {
    /// Bounds on what one blob may contain.
    public struct Limits: Sendable, Equatable {
        /// The deepest nesting of arrays and objects, counting the blob's own array as one level.
        public var maxDepth: Int
        /// The largest record, in bytes: this bounds the memory one splitter holds.
        public var maxRecordBytes: Int

        /// Defaults: 64 levels (as `JSONParser`) and 4 MiB per record.
        public init(maxDepth: Int = 64, maxRecordBytes: Int = 4 << 20) {
            self.maxDepth = maxDepth
            self.maxRecordBytes = maxRecordBytes
        }
    }

    /// The limits this splitter enforces.
    public let limits: Limits

    /// Bytes of an unfinished record held between chunks (the splitter's only buffer; for tests and metrics).
    public var bufferedBytes: Int { self.pending.count }

    /// True once the closing `]` has been seen; only whitespace may follow.
    public var isComplete: Bool { self.state == .end }

    // Scanner state; see RecordSplitter+Scan.swift for the machine itself.
    var state = ScanState.start
    var consumed = 0  // bytes of the blob before the current chunk
    var failure: RecordSplitError?
    var pending: [UInt8] = []  // the current record's bytes from earlier chunks
    var recordStart = 0  // absolute offset of the current record's `{`
    var containers: [Bool] = []  // open containers inside the record; true for an object
    var pieceStart = 0  // where the current record's bytes begin in this chunk (0 if in an earlier one)
    var fields: [TrackedField] = []  // the extracted fields met so far in the record (at most 7)
    var seenFields = 0  // bit per RecordField, to reject a duplicate
    var trackingValue = false  // the current top-level member is one of the extracted fields
    var keyStart = 0  // offset of the current top-level key's quote from the record's `{`
    var keyScratch: [UInt8] = []  // a top-level key cut by a chunk boundary, gathered to match it
    var stringIsKey = false
    var stringEscaped = false
    var expectLowSurrogate = false
    var hexValue: UInt32 = 0
    var hexRemaining = 0
    var utf8Remaining = 0
    var utf8Low: UInt8 = 0x80  // the range allowed for the next continuation byte (rejects overlongs, surrogates)
    var utf8High: UInt8 = 0xBF
    var literal: StaticString = "true"
    var literalIndex = 0
    var numberStart = 0  // absolute offset of the number being scanned

    /// Creates a splitter for one blob.
    public init(limits: Limits = Limits()) {
        self.limits = limits
        self.containers.reserveCapacity(limits.maxDepth)
    }

    /// Scans the next `chunk` of the blob and returns the records it completed, in order.
    ///
    /// Throws on the first invalid byte; records completed earlier in the same chunk are then not
    /// returned, which is harmless because the whole blob fails and is retried.
    public mutating func feed(_ chunk: some Collection<UInt8>) throws(RecordSplitError) -> [SplitRecord] {
        if let failure = self.failure { throw failure }
        let result = chunk.withContiguousStorageIfAvailable { buffer in
            Result { () throws(RecordSplitError) in try self.scan(buffer) }
        } ?? Array(chunk).withUnsafeBufferPointer { buffer in
            Result { () throws(RecordSplitError) in try self.scan(buffer) }
        }
        switch result {
        case .success(let records):
            return records
        case .failure(let error):
            self.failure = error
            self.pending = []  // a failed splitter holds no memory
            throw error
        }
    }

    /// Declares the end of the blob: throws `truncated` unless the array was closed (only whitespace
    /// may follow it, which `feed` already checked).
    public mutating func finish() throws(RecordSplitError) {
        if let failure = self.failure { throw failure }
        guard self.state == .end else {
            let error = RecordSplitError(.truncated, at: self.consumed, self.state == .start
                ? "the blob is empty" : "the blob ends before its array is closed")
            self.failure = error
            self.pending = []
            throw error
        }
    }

    /// Splits a whole blob held in memory (tests, small blobs): `feed` once, then `finish`.
    public static func split(_ blob: some Collection<UInt8>, limits: Limits = Limits()) throws(RecordSplitError) -> [SplitRecord] {
        var splitter = RecordSplitter(limits: limits)
        let records = try splitter.feed(blob)
        try splitter.finish()
        return records
    }
}
