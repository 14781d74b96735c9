import HookRecords
import HookSinks
import HookTestSupport
import Testing

/// Many deliveries at once against small limits, few slots and tight memory, to catch lost wake-ups
/// (a hang, caught by the time limit), lost or doubled records, and failures reaching the wrong callers.
@Suite("BatchingSink under load")
struct BatchingSinkStressTests {
    @Test("stress: 200 concurrent deliveries, small limits, 3 in flight, tight memory: every record sent exactly once",
          .timeLimit(.minutes(1)))
    func stress() async throws {
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 7, maxBytes: 4_000, linger: .milliseconds(1)))
        let sink = BatchingSinkTests.sink(transport, inFlight: 3, maxPendingBytes: 6_000)
        var generator = SeededGenerator(seed: 42)
        var ranges: [Range<Int>] = []
        var next = 0
        for _ in 0..<200 {
            let count = Int.random(in: 1...20, using: &generator)
            ranges.append(next..<next + count)
            next += count
        }
        try await withThrowingTaskGroup(of: Void.self) { group in
            for range in ranges { group.addTask { try await sink.deliver(TestRecords.batch(range)) } }
            try await group.waitForAll()
        }
        let ids = BatchingSinkTests.ids(transport.accepted.flatMap { $0 })
        #expect(ids.count == next)
        #expect(Set(ids) == Set((0..<next).map { "id-\($0)" }))
        #expect(transport.accepted.allSatisfy { $0.reduce(0) { $0 + $1.records.count } <= 7 })
        #expect(await sink.queuedRecords == 0)
    }

    @Test("stress with failures: every delivery ends; a returned one has all its records sent, none sent twice",
          .timeLimit(.minutes(1)))
    func stressWithFailures() async throws {
        var generator = SeededGenerator(seed: 7)
        let script: [TransportError?] = (0..<400).map { _ in
            Int.random(in: 0..<5, using: &generator) == 0 ? .permanent("rejected") : nil
        }
        let transport = RecordingTransport(limits: BatchLimits(maxRecords: 5, maxBytes: 1 << 20, linger: .milliseconds(1)),
                                           script: script)
        let sink = BatchingSinkTests.sink(transport, inFlight: 2, maxPendingBytes: 5_000)
        let ranges = (0..<100).map { $0 * 6..<$0 * 6 + Int.random(in: 1...6, using: &generator) }
        let delivered = try await withThrowingTaskGroup(of: Range<Int>?.self) { group in
            for range in ranges {
                group.addTask { (try? await sink.deliver(TestRecords.batch(range))) == nil ? nil : range }
            }
            return try await group.reduce(into: [Range<Int>]()) { if let range = $1 { $0.append(range) } }
        }
        let sent = BatchingSinkTests.ids(transport.accepted.flatMap { $0 })
        #expect(Set(sent).count == sent.count)
        #expect(delivered.count > 0 && delivered.count < ranges.count)
        for range in delivered { #expect(range.allSatisfy { sent.contains("id-\($0)") }) }
        #expect(await sink.queuedRecords == 0)
    }
}
