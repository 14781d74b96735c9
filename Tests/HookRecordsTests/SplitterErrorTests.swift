import HookJSON
import HookRecords
import Testing

@Suite("Record splitter: invalid blobs fail as a whole, with the offending byte")
struct SplitterErrorTests {
    func expectError(_ text: String, _ code: RecordSplitError.Code, at offset: Int,
                     limits: RecordSplitter.Limits = .init(), sourceLocation: SourceLocation = #_sourceLocation) {
        self.expectError(Array(text.utf8), code, at: offset, limits: limits, sourceLocation: sourceLocation)
    }

    /// Checks the error in one chunk and byte by byte: the chunking must not change it.
    func expectError(_ bytes: [UInt8], _ code: RecordSplitError.Code, at offset: Int,
                     limits: RecordSplitter.Limits = .init(), sourceLocation: SourceLocation = #_sourceLocation) {
        let whole = SplitterHarness.error(bytes, limits: limits)
        #expect(whole?.code == code, sourceLocation: sourceLocation)
        #expect(whole?.offset == offset, sourceLocation: sourceLocation)
        do {
            _ = try SplitterHarness.split(bytes, chunkSize: 1, limits: limits)
            Issue.record("byte-by-byte split accepted the blob", sourceLocation: sourceLocation)
        } catch {
            #expect(error == whole, sourceLocation: sourceLocation)
        }
    }

    @Test("a truncated blob: feed accepts the prefix, finish fails; no half record is returned")
    func truncated() throws {
        let blob = RecordFixtures.blob((0..<3).map { RecordFixtures.record($0) })
        for cut in [1, 10, blob.count / 2, blob.count - 4] {
            var splitter = RecordSplitter()
            let records = try splitter.feed(blob[..<cut])
            #expect(try records.allSatisfy { try JSONParser.parse($0.bytes).isObject })
            #expect(records.count == (cut == blob.count - 4 ? 2 : cut == blob.count / 2 ? 1 : 0))
            do {
                try splitter.finish()
                Issue.record("finish accepted a blob cut at \(cut)")
            } catch {
                #expect(error.code == .truncated && error.offset == cut)
            }
        }
        self.expectError("", .truncated, at: 0)
        self.expectError(#"[{"Id":"abc}]"#, .truncated, at: 13)  // an unclosed string swallows the rest
        self.expectError(#"[{"Id":1"#, .truncated, at: 8)
    }

    @Test("garbage mid-array fails the blob, even after records were returned")
    func garbageMidArray() throws {
        var splitter = RecordSplitter()
        let first = try splitter.feed(Array(#"[{"Id":"a"}, "#.utf8))
        #expect(first.map(\.id) == ["a"])
        #expect(throws: RecordSplitError.self) { try splitter.feed(Array(#"x {"Id":"b"}]"#.utf8)) }
        // A failed splitter stays failed.
        #expect(throws: RecordSplitError.self) { try splitter.feed(Array("]".utf8)) }
        #expect(throws: RecordSplitError.self) { try splitter.finish() }
        #expect(splitter.bufferedBytes == 0)
        self.expectError(#"[{"Id":"a"}, x {"Id":"b"}]"#, .notAnObject, at: 13)
        self.expectError(#"[{"Id":"a"} {"Id":"b"}]"#, .invalidJSON, at: 12)
        self.expectError(#"[{"Id":"a",}]"#, .invalidJSON, at: 11)
        self.expectError(#"[{"Id" "a"}]"#, .invalidJSON, at: 7)
        self.expectError(#"[{"Id":tru}]"#, .invalidJSON, at: 10)
        self.expectError(#"[{"Id":01}]"#, .invalidJSON, at: 8)
        self.expectError(#"[{"Id":-}]"#, .invalidJSON, at: 8)
        self.expectError(#"[{"Id":1.e5}]"#, .invalidJSON, at: 9)
        self.expectError(#"[{"Id":"\x"}]"#, .invalidJSON, at: 9)
        self.expectError(#"[{"Id":"\ud800"}]"#, .invalidJSON, at: 14)
        self.expectError(#"[{"Id":"\udc00"}]"#, .invalidJSON, at: 13)
        self.expectError("[{\"Id\":\"tab\there\"}]", .invalidJSON, at: 11)
        self.expectError(#"[{},]"#, .invalidJSON, at: 4)
        self.expectError(#"[{"Id":1,"RecordType":2,"Id":3}]"#, .duplicateField, at: 24)
    }

    @Test("elements that are not objects and a top level that is not an array")
    func shapes() {
        self.expectError("[1,2]", .notAnObject, at: 1)
        self.expectError(#"[{"Id":"a"},"b"]"#, .notAnObject, at: 12)
        self.expectError(#"{"Id":"a"}"#, .notAnArray, at: 0)
        self.expectError("\u{FEFF}[]", .notAnArray, at: 0)
    }

    @Test("invalid UTF-8: stray continuation, overlong, surrogate, truncated sequence, above U+10FFFF, outside strings")
    func invalidUTF8() {
        let prefix = Array(#"[{"Id":"a"#.utf8)
        for (bytes, offset) in [([0x80], 9), ([0xC0, 0xAF], 9), ([0xE0, 0x80, 0x80], 10), ([0xED, 0xA0, 0x80], 10),
                                ([0xE2, 0x82], 11), ([0xF4, 0x90, 0x80, 0x80], 10), ([0xFF], 9)] as [([UInt8], Int)] {
            self.expectError(prefix + bytes + Array(#""}]"#.utf8), .invalidUTF8, at: offset)
        }
        self.expectError(Array("[{\"Id\":".utf8) + [0xC3, 0xA9] + Array("}]".utf8), .invalidJSON, at: 7)
    }

    @Test("a depth bomb fails at the first level beyond the limit; the limit itself is accepted")
    func depth() throws {
        let bomb = #"[{"a":"# + String(repeating: "[", count: 100_000)
        self.expectError(bomb, .tooDeep, at: 68)
        let deepest = #"{"Id":"d","a":"# + String(repeating: "[", count: 62) + String(repeating: "]", count: 62) + "}"
        let record = try RecordSplitter.split(Array(("[" + deepest + "]").utf8))
        #expect(try JSONParser.parse(record[0].bytes)["Id"]?.stringValue == "d")
        self.expectError("[[]]", .notAnObject, at: 1)
    }

    @Test("a record over the size cap fails at the first byte beyond it, without buffering more")
    func recordCap() throws {
        let limits = RecordSplitter.Limits(maxRecordBytes: 100)
        let fits = #"{"Id":"a","Padding":""# + String(repeating: "x", count: 100 - 23) + #""}"#
        #expect(fits.utf8.count == 100)
        #expect(try SplitterHarness.split(Array(("[" + fits + "," + fits + "]").utf8), chunkSize: 7, limits: limits).count == 2)
        let over = #"{"Id":"a","Padding":""# + String(repeating: "x", count: 1000) + #""}"#
        self.expectError("[" + fits + "," + over + "]", .recordTooLarge, at: 102 + 100, limits: limits)
        var splitter = RecordSplitter(limits: limits)
        let blob = Array(("[" + over + "]").utf8)
        do {
            for start in stride(from: 0, to: blob.count, by: 10) {
                _ = try splitter.feed(blob[start..<min(start + 10, blob.count)])
                #expect(splitter.bufferedBytes <= 100)
            }
            Issue.record("the oversized record was accepted")
        } catch {
            #expect(error.code == .recordTooLarge)
        }
    }

    @Test("trailing garbage after the array")
    func trailing() {
        self.expectError("[] x", .trailingData, at: 3)
        self.expectError("[][]", .trailingData, at: 2)
        self.expectError(#"[{"Id":"a"}]}"#, .trailingData, at: 12)
    }
}
