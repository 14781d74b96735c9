import HookHTTPClient
import HookRecords
import HookSinks
import HookTestSupport
import SimulatorTestSupport
import Testing

/// The memory of rows already accepted (issue 12, item 9) only bridges the retries of one partly delivered
/// send: it must never make a later delivery skip a record.
@Suite("logs-ingestion: the accepted-rows memory never skips a new delivery")
struct LogsIngestionAcceptedMemoryTests {
    typealias F = AzureSinkFixtures

    static func ingestedIds(url: String, http: HTTPClient) async throws -> [String] {
        try await F.ingested(url: url, http: http).calls.flatMap { $0["body"]?.arrayValue ?? [] }
            .compactMap { $0["RecordId"]?.stringValue }
    }

    @Test("two records that share an Id but not a CreationTime are both delivered")
    func sameIdOtherCreationTime() async throws {
        try await withTemporaryDirectory { _ in
            try await withInProcessSimulator(scenario: F.scenario()) { url, http in
                let (transport, _) = F.transport(url: url, http: http)
                let first = try F.records(#"[{"CreationTime":"2026-11-29T06:30:00","Id":"cccccccc-0000-4000-8000-000000000001","RecordType":25}]"#)
                let second = try F.records(#"[{"CreationTime":"2026-11-29T07:45:00","Id":"cccccccc-0000-4000-8000-000000000001","RecordType":25}]"#)
                try await transport.send([RecordBatch(source: F.source, records: first)])
                try await transport.send([RecordBatch(source: F.source, records: second)])
                let rows = try await F.ingested(url: url, http: http).calls.flatMap { $0["body"]?.arrayValue ?? [] }
                #expect(rows.compactMap { $0["CreationTime"]?.stringValue } == ["2026-11-29T06:30:00.000Z", "2026-11-29T07:45:00.000Z"])
            }
        }
    }

    @Test("a blob delivered again (replay --blob) is sent again, whole")
    func replayedBlobIsSentAgain() async throws {
        try await withTemporaryDirectory { _ in
            try await withInProcessSimulator(scenario: F.scenario()) { url, http in
                let (transport, _) = F.transport(url: url, http: http)
                let batch = RecordBatch(source: F.source, records: try F.paddedRecords(3))
                try await transport.send([batch])
                try await transport.send([batch])
                let ids = try await Self.ingestedIds(url: url, http: http)
                #expect(ids.sorted() == (batch.records + batch.records).compactMap(\.id).sorted())
            }
        }
    }

    @Test("the same record Id in another blob is delivered while the first blob's send is still being retried")
    func otherBlobSameId() async throws {
        try await withTemporaryDirectory { _ in
            try await withInProcessSimulator(scenario: F.scenario(settings: #","ingestMaxBytes":5000"#)) { url, http in
                let (transport, _) = F.transport(url: url, http: http)
                let small = try F.paddedRecords(2, size: 1_000)
                let big = try F.paddedRecords(3, size: 8_000).suffix(1)
                // The small rows are accepted, the big one is refused: the send fails after a partial acceptance.
                _ = await F.transportError { try await transport.send([RecordBatch(source: F.source, records: small + big)]) }
                var other = F.source
                other.blobId += 1
                other.contentId += "-other"
                try await transport.send([RecordBatch(source: other, records: small)])
                let ids = try await Self.ingestedIds(url: url, http: http)
                #expect(ids.sorted() == (small + small).compactMap(\.id).sorted())
            }
        }
    }
}
