/// Where the scanner is in the blob's grammar. Outside a record it checks the array's punctuation;
/// inside, it validates the record's JSON byte by byte, so a chunk boundary can fall anywhere.
enum ScanState: UInt8 {
    case start  // before the blob's `[`
    case arrayFirst  // after `[`: a record or `]`
    case arrayElement  // after `,`: a record
    case arrayNext  // after a record: `,` or `]`
    case end  // after `]`: whitespace only
    case value  // inside a record: a value must start
    case valueOrArrayEnd  // after `[` inside a record
    case keyOrObjectEnd  // after `{`
    case key  // after `,` in an object
    case colon
    case afterValue  // `,` or the close of the enclosing container
    case string
    case escape  // after `\`
    case unicodeEscape  // inside `\uXXXX`
    case lowSurrogateBackslash  // after a high surrogate escape: `\` must follow
    case utf8  // inside a multi-byte UTF-8 sequence
    case literal  // inside true / false / null
    case numberSign, numberZero, numberInt, numberDot, numberFraction, numberExponent, numberExponentSign,
         numberExponentDigits
}

@inline(__always) func isWhitespace(_ byte: UInt8) -> Bool {
    byte == 0x20 || byte == 0x0A || byte == 0x0D || byte == 0x09
}

@inline(__always) func isDigit(_ byte: UInt8) -> Bool { byte &- 0x30 < 10 }

extension RecordSplitter {
    func error(_ code: RecordSplitError.Code, _ index: Int, _ message: String) -> RecordSplitError {
        RecordSplitError(code, at: self.consumed + index, message)
    }

    /// Scans one chunk; the state carries over to the next.
    mutating func scan(_ bytes: UnsafeBufferPointer<UInt8>) throws(RecordSplitError) -> [SplitRecord] {
        var records: [SplitRecord] = []
        let count = bytes.count
        var index = 0
        self.pieceStart = 0
        while index < count {
            let byte = bytes[index]
            switch self.state {
            case .string:
                // The hot path: most of a record's bytes are plain ASCII inside strings.
                while index < count {
                    let next = bytes[index]
                    if next == 0x22 || next == 0x5C || next < 0x20 || next >= 0x80 { break }
                    index += 1
                }
                guard index < count else { break }
                try self.stringByte(bytes[index], at: &index, in: bytes)
            case .start:
                index += 1
                if isWhitespace(byte) { continue }
                guard byte == UInt8(ascii: "[") else { throw self.error(.notAnArray, index - 1, "the blob is not a JSON array") }
                self.state = .arrayFirst
            case .arrayFirst, .arrayElement:
                if isWhitespace(byte) { index += 1; continue }
                if byte == UInt8(ascii: "]") {
                    guard self.state == .arrayFirst else { throw self.error(.invalidJSON, index, "a ',' before ']'") }
                    self.state = .end
                    index += 1
                    continue
                }
                guard byte == UInt8(ascii: "{") else {
                    throw self.error(.notAnObject, index, "an element of the blob's array is not an object")
                }
                guard self.limits.maxDepth >= 2 else { throw self.error(.tooDeep, index, "nested too deep") }
                self.recordStart = self.consumed + index
                self.pieceStart = index
                self.containers.removeAll(keepingCapacity: true)
                self.containers.append(true)
                self.fields.removeAll(keepingCapacity: true)
                self.seenFields = 0
                self.trackingValue = false
                self.state = .keyOrObjectEnd
                index += 1
            case .arrayNext:
                index += 1
                if isWhitespace(byte) { continue }
                switch byte {
                case UInt8(ascii: ","): self.state = .arrayElement
                case UInt8(ascii: "]"): self.state = .end
                default: throw self.error(.invalidJSON, index - 1, "expected ',' or ']' after a record")
                }
            case .end:
                guard isWhitespace(byte) else { throw self.error(.trailingData, index, "data after the blob's array") }
                index += 1
            case .keyOrObjectEnd, .key:
                if isWhitespace(byte) { index += 1; continue }
                if byte == UInt8(ascii: "}"), self.state == .keyOrObjectEnd {
                    try self.close(at: &index, bytes, into: &records)
                    continue
                }
                guard byte == UInt8(ascii: "\"") else { throw self.error(.invalidJSON, index, "expected a string key") }
                if self.containers.count == 1 { self.keyStart = self.relative(index) }
                self.stringIsKey = true
                self.stringEscaped = false
                self.state = .string
                index += 1
            case .colon:
                index += 1
                if isWhitespace(byte) { continue }
                guard byte == UInt8(ascii: ":") else { throw self.error(.invalidJSON, index - 1, "expected ':'") }
                self.state = .value
            case .value, .valueOrArrayEnd:
                if isWhitespace(byte) { index += 1; continue }
                if byte == UInt8(ascii: "]"), self.state == .valueOrArrayEnd {
                    try self.close(at: &index, bytes, into: &records)
                    continue
                }
                try self.beginValue(byte, at: index)
                index += 1
            case .afterValue:
                if isWhitespace(byte) { index += 1; continue }
                let inObject = self.containers[self.containers.count - 1]
                switch byte {
                case UInt8(ascii: ","):
                    self.state = inObject ? .key : .value
                    index += 1
                case UInt8(ascii: "}") where inObject, UInt8(ascii: "]") where !inObject:
                    try self.close(at: &index, bytes, into: &records)
                default:
                    throw self.error(.invalidJSON, index, inObject ? "expected ',' or '}'" : "expected ',' or ']'")
                }
            case .escape, .unicodeEscape, .lowSurrogateBackslash, .utf8:
                try self.stringByte(byte, at: &index, in: bytes)
            case .literal:
                guard byte == self.literal.utf8Start[self.literalIndex] else {
                    throw self.error(.invalidJSON, index, "invalid literal")
                }
                index += 1
                self.literalIndex += 1
                if self.literalIndex == self.literal.utf8CodeUnitCount { self.state = .afterValue }
            default:
                try self.numberByte(byte, at: &index)
            }
        }
        if self.state.isInsideRecord {
            let size = self.pending.count + count - self.pieceStart
            guard size <= self.limits.maxRecordBytes else { throw self.tooLarge() }
            self.pending.append(contentsOf: UnsafeBufferPointer(rebasing: bytes[self.pieceStart..<count]))
        }
        self.consumed += count
        return records
    }

    /// The offset of `index` (in the current chunk) from the current record's `{`.
    @inline(__always) func relative(_ index: Int) -> Int { self.consumed + index - self.recordStart }

    func tooLarge() -> RecordSplitError {
        RecordSplitError(.recordTooLarge, at: self.recordStart + self.limits.maxRecordBytes,
                         "a record is larger than \(self.limits.maxRecordBytes) bytes")
    }

    /// Closes the container whose `}` or `]` is at `index`; closing the record's own object emits it.
    mutating func close(at index: inout Int, _ bytes: UnsafeBufferPointer<UInt8>,
                        into records: inout [SplitRecord]) throws(RecordSplitError) {
        self.containers.removeLast()
        index += 1
        guard self.containers.isEmpty else { self.state = .afterValue; return }
        self.state = .arrayNext
        guard self.consumed + index - self.recordStart <= self.limits.maxRecordBytes else { throw self.tooLarge() }
        let piece = UnsafeBufferPointer(rebasing: bytes[self.pieceStart..<index])
        let recordBytes: [UInt8]
        if self.pending.isEmpty {
            recordBytes = Array(piece)
        } else {
            // An exact-size copy, so the record does not pin the splitter's buffer capacity.
            self.pending.append(contentsOf: piece)
            recordBytes = self.pending.withUnsafeBufferPointer { Array($0) }
            self.pending.removeAll(keepingCapacity: true)
        }
        records.append(SplitRecord.make(bytes: recordBytes, offset: self.recordStart, fields: self.fields))
    }
}

extension ScanState {
    var isInsideRecord: Bool {
        switch self {
        case .start, .arrayFirst, .arrayElement, .arrayNext, .end: false
        default: true
        }
    }
}
