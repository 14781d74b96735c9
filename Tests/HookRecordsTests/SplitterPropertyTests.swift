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
}
