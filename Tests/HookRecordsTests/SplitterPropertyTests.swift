import HookTestSupport
import HookJSON
import HookRecords
import Testing

@Suite("Record splitter: differential property test against the strict parser")
struct SplitterPropertyTests {
    @Test("random arrays of random objects, cut at random boundaries: strict-parser-valid bytes with the right Id")
    func randomArrays() throws {
        var rng = SeededGenerator(seed: 0x5EED)
        for round in 0..<300 {
            let ids = (0..<Int.random(in: 0...12, using: &rng)).map { "id-\(round)-\($0)" }
            let objects = ids.map { RecordFixtures.randomObject(id: $0, using: &rng) }
            let blob = Array(("[" + objects.joined(separator: RecordFixtures.whitespace(using: &rng) + ",") + "]").utf8)
            // The generator's output must itself be valid JSON, or the test proves nothing.
            let parsed = try JSONParser.parse(blob)
            #expect(parsed.arrayValue?.count == ids.count)
            let records = try SplitterHarness.split(blob, randomChunksUpTo: Int.random(in: 1...64, using: &rng), using: &rng)
            #expect(records.count == ids.count)
            for (record, (id, object)) in zip(records, zip(ids, objects)) {
                #expect(record.bytes == Array(object.utf8))
                let value = try JSONParser.parse(record.bytes)
                #expect(value["Id"]?.stringValue == id)
                #expect(record.id == id)
            }
        }
    }

    @Test("a random byte corrupted, inserted or deleted: the splitter rejects exactly what the strict parser rejects")
    func corruptedBlobs() throws {
        var rng = SeededGenerator(seed: 0xBAD)
        let alphabet = Array(#"{}[]:,"\/ u0aeE.-+1tfnx"#.utf8) + [0x00, 0x1F, 0x7F, 0x80, 0xBF, 0xC3, 0xE2, 0xED, 0xF0, 0xFF]
        var rejected = 0
        for round in 0..<2000 {
            let objects = (0..<Int.random(in: 1...4, using: &rng)).map {
                RecordFixtures.randomObject(id: "id-\(round)-\($0)", using: &rng)
            }
            var blob = Array(("[" + objects.joined(separator: ",") + "]").utf8)
            let position = Int.random(in: 0..<blob.count, using: &rng)
            switch Int.random(in: 0..<3, using: &rng) {
            case 0: blob[position] = alphabet.randomElement(using: &rng)!
            case 1: blob.insert(alphabet.randomElement(using: &rng)!, at: position)
            default: blob.remove(at: position)
            }
            // Duplicate keys are the caller's business (only the seven fields are checked), so compare
            // with a parser that allows them; and the splitter wants an array of objects.
            let parsed = try? JSONParser.parse(blob, limits: .init(rejectDuplicateKeys: false))
            let strictOK = parsed?.arrayValue?.allSatisfy(\.isObject) ?? false
            let whole = Result { () throws(RecordSplitError) in try RecordSplitter.split(blob) }
            let chunked = Result { () throws(RecordSplitError) in
                try SplitterHarness.split(blob, randomChunksUpTo: 16, using: &rng)
            }
            let text = String(decoding: blob, as: UTF8.self)
            #expect((try? whole.get()) != nil || !strictOK, "splitter rejected valid \(text)")
            if case .success(let records) = whole {
                #expect(strictOK, "splitter accepted invalid \(text)")
                #expect(try chunked.get() == records)
                #expect(records.count == parsed?.arrayValue?.count)
            } else {
                rejected += 1
                #expect(throws: RecordSplitError.self) { try chunked.get() }
            }
        }
        #expect(rejected > 500, "the corruptions must actually exercise the error paths")
    }
}
