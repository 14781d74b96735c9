import HookTestSupport
import HookJSON
import HookRecords
import Testing

@Suite("Record splitter: original bytes, any chunking, bounded memory")
struct SplitterRoundTripTests {
    static let records = (0..<6).map { RecordFixtures.record($0, size: 420 + 37 * $0) }
    static let blob = RecordFixtures.blob(Self.records)

    @Test("every record's bytes round-trip exactly, for every chunk size from 1 byte to the whole blob")
    func everyChunkSize() throws {
        let expected = Self.records.map { Array($0.utf8) }
        for size in 1...Self.blob.count {
            let records = try SplitterHarness.split(Self.blob, chunkSize: size)
            guard records.map(\.bytes) == expected else {
                Issue.record("chunk size \(size) changed the records' bytes")
                return
            }
        }
        let whole = try RecordSplitter.split(Self.blob)
        #expect(whole.map(\.id) == (0..<6).map { RecordFixtures.id($0) })
        // RecordFixtures.blob: "\n[ " before the first record, " ,\r\n\t" between records.
        var offsets: [Int] = []
        var offset = 3
        for record in expected { offsets.append(offset); offset += record.count + 5 }
        #expect(whole.map(\.offset) == offsets)
        for (record, offset) in zip(whole, offsets) { #expect(Array(Self.blob[offset..<offset + record.bytes.count]) == record.bytes) }
    }

    @Test("random chunkings of a larger blob give the same records as one chunk")
    func randomChunkings() throws {
        let records = (0..<200).map { RecordFixtures.record($0, size: $0 % 7 == 0 ? 5000 : 900) }
        let blob = RecordFixtures.blob(records)
        let reference = try RecordSplitter.split(blob)
        #expect(reference.map(\.bytes) == records.map { Array($0.utf8) })
        var rng = SeededGenerator(seed: 6)
        for maxChunk in [1, 3, 17, 256, 4096, 70_000] {
            let split = try SplitterHarness.split(blob, randomChunksUpTo: maxChunk, using: &rng)
            #expect(split == reference, "max chunk \(maxChunk)")
        }
    }

    @Test("an empty array is zero records; whitespace around it is fine")
    func emptyArray() throws {
        #expect(try RecordSplitter.split(Array("[]".utf8)).isEmpty)
        #expect(try SplitterHarness.split(Array(" \r\n[ \t\n ]\n ".utf8), chunkSize: 1).isEmpty)
        var splitter = RecordSplitter()
        #expect(try splitter.feed(Array("[".utf8)).isEmpty)
        #expect(!splitter.isComplete)
        #expect(try splitter.feed(Array("]".utf8)).isEmpty)
        #expect(splitter.isComplete)
        try splitter.finish()
    }

    @Test("a 100,000-record blob in 64 KB chunks: every record, unique Ids, the buffer never above one record")
    func largeBlobBoundedBuffer() throws {
        var splitter = RecordSplitter()
        var ids = Set<String>()
        var count = 0
        var largestRecord = 0
        var largestBuffer = 0
        var pending: [UInt8] = Array("[".utf8)
        func drain(keeping minimum: Int) throws {
            while pending.count > minimum {
                let chunk = pending.prefix(65_536)
                for record in try splitter.feed(chunk) {
                    count += 1
                    ids.insert(record.id ?? "")
                    #expect(record.recordType == 15)
                }
                largestBuffer = max(largestBuffer, splitter.bufferedBytes)
                pending.removeFirst(chunk.count)
            }
        }
        for index in 0..<100_000 {
            let record = Array(#"{"Id":"\#(RecordFixtures.id(index))","RecordType":15,"CreationTime":"2026-11-29T07:00:00","#.utf8)
                + Array(#""Operation":"UserLoggedIn","Extended":{"Id":"decoy","List":[1,2,3]}}"#.utf8)
            largestRecord = max(largestRecord, record.count)
            if index > 0 { pending.append(UInt8(ascii: ",")) }
            pending += record
            try drain(keeping: 65_536)
        }
        pending.append(UInt8(ascii: "]"))
        try drain(keeping: 0)
        try splitter.finish()
        #expect(count == 100_000)
        #expect(ids.count == 100_000)
        #expect(largestBuffer > 0, "some record must have straddled a chunk boundary")
        #expect(largestBuffer < largestRecord)
        #expect(splitter.bufferedBytes == 0)
    }
}
