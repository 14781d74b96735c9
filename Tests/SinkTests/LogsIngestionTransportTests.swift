import Foundation
import HookConfig
import HookJSON
import HookRecords
import HookSinks
import HookTestSupport
import SimulatorTestSupport
import Testing

@Suite("logs-ingestion transport against the simulator's Logs Ingestion fake")
struct LogsIngestionTransportTests {
    typealias F = AzureSinkFixtures

    /// Quirky originals: no zone, RecordType as a string, escapes, odd spacing and key order, a nested object.
    static let quirky = """
        [{"CreationTime":"2026-11-29T06:30:00","Id":"aaaaaaaa-0000-4000-8000-000000000001","Operation":"TIMailData",
          "OrganizationId":"11111111-1111-1111-1111-111111111111","RecordType":"28","UserKey":"ThreatIntel",
          "Workload":"ThreatIntelligence","UserId":"ThreatIntel","Subject":"Caf\\u00e9 \\"invoice\\"\\n","Size": 1.50e3,
          "Recipients" : [ "a@contoso.com" ], "Nested":{"RecordType":99}},
         {"Id":"aaaaaaaa-0000-4000-8000-000000000002","RecordType":25,"Operation":"MemberAdded","Workload":"MicrosoftTeams",
          "UserId":"bob@contoso.com","OrganizationId":"11111111-1111-1111-1111-111111111111"}]
        """

    @Test func rowsCarryColumnsAndTheOriginalRecordBytes() async throws {
        try await withTemporaryDirectory { _ in
            try await withInProcessSimulator(scenario: F.scenario()) { url, http in
                let (transport, _) = F.transport(url: url, http: http)
                let records = try F.records(Self.quirky)
                let before = Date()
                try await transport.send([RecordBatch(source: F.source, records: records)])
                let (raw, calls) = try await F.ingested(url: url, http: http)
                #expect(calls.count == 1)
                #expect(calls.first?["stream"]?.stringValue == F.stream)
                #expect(calls.first?["dcr"]?.stringValue == F.dcr)
                #expect(calls.first?["compressed"] == .bool(true))
                for record in records {
                    #expect(raw.containsBytes(Array(#""Record":"#.utf8) + record.bytes), "Record must be the original bytes")
                }
                let rows = try #require(calls.first?["body"]?.arrayValue)
                #expect(rows.count == 2)
                let first = rows[0]
                #expect(first["TimeGenerated"]?.stringValue == "2026-11-29T06:30:00.000Z")
                #expect(first["CreationTime"]?.stringValue == "2026-11-29T06:30:00.000Z")
                #expect(first["RecordId"]?.stringValue == "aaaaaaaa-0000-4000-8000-000000000001")
                #expect(first["RecordType"] == .number("28"))
                #expect(first["Operation"]?.stringValue == "TIMailData")
                #expect(first["Workload"]?.stringValue == "ThreatIntelligence")
                #expect(first["OrganizationId"]?.stringValue == F.tenant)
                #expect(first["UserId"]?.stringValue == "ThreatIntel")
                #expect(first["ContentType"]?.stringValue == "Audit.General")
                #expect(first["ContentId"]?.stringValue == F.source.contentId)
                #expect(first["Record"]?["Subject"]?.stringValue == "Café \"invoice\"\n")
                // No CreationTime: TimeGenerated is the ingestion time, CreationTime is left out.
                let second = rows[1]
                #expect(second["CreationTime"] == nil)
                let generated = try #require(second["TimeGenerated"]?.stringValue.flatMap(Timestamp.parse))
                #expect(generated.timeIntervalSince(before) > -1 && generated.timeIntervalSince(before) < 60)
                // Every key written is a declared column, in the declared order.
                guard case .object(let members) = first else { Issue.record("row is not an object"); return }
                #expect(members.map(\.key) == LogsIngestionRow.columns.map(\.name))
            }
        }
    }

    @Test func moreThanOneMegabyteIsCutIntoRequestsOfAtMostOneMegabyte() async throws {
        try await withTemporaryDirectory { _ in
            try await withInProcessSimulator(scenario: F.scenario()) { url, http in
                let (transport, _) = F.transport(url: url, http: http)
                let records = try F.paddedRecords(1_500, size: 1_000)
                #expect(records.reduce(0) { $0 + $1.bytes.count } > 1_400_000)
                try await transport.send([RecordBatch(source: F.source, records: Array(records[..<700])),
                                          RecordBatch(source: F.source, records: Array(records[700...]))])
                let (_, calls) = try await F.ingested(url: url, http: http)
                #expect(calls.count >= 2)
                // Packed by real serialized size: every request but the last is close to the limit, none above it.
                let sizes = calls.compactMap { $0["bodyBytes"]?.int64Value }
                #expect(sizes.count == calls.count)
                #expect(sizes.allSatisfy { $0 <= 1_000_000 })
                #expect(sizes.dropLast().allSatisfy { $0 > 990_000 })
                let ids = calls.flatMap { $0["body"]?.arrayValue ?? [] }.compactMap { $0["RecordId"]?.stringValue }
                #expect(ids == records.compactMap(\.id))
            }
        }
    }

    @Test func tooLargeAnswersSplitTheRequestInHalves() async throws {
        try await withTemporaryDirectory { _ in
            try await withInProcessSimulator(scenario: F.scenario(settings: #","ingestMaxBytes":20000"#)) { url, http in
                let (transport, _) = F.transport(url: url, http: http)
                let records = try F.paddedRecords(60, size: 1_000)
                try await transport.send([RecordBatch(source: F.source, records: records)])
                let (_, calls) = try await F.ingested(url: url, http: http)
                let ids = calls.flatMap { $0["body"]?.arrayValue ?? [] }.compactMap { $0["RecordId"]?.stringValue }
                #expect(ids == records.compactMap(\.id))
                #expect(calls.count >= 4)  // ~85 KB of rows in ≤ 20 KB requests
            }
        }
    }

    @Test func aSingleRowTooLargeIsPermanentAndNamesTheRecord() async throws {
        try await withTemporaryDirectory { _ in
            try await withInProcessSimulator(scenario: F.scenario(settings: #","ingestMaxBytes":900"#)) { url, http in
                let (transport, _) = F.transport(url: url, http: http)
                let records = try F.paddedRecords(3, size: 2_000)
                let error = await F.transportError { try await transport.send([RecordBatch(source: F.source, records: records)]) }
                guard case .permanent(let message)? = error else { Issue.record("expected permanent, got \(String(describing: error))"); return }
                #expect(message.contains(records[0].id!))
            }
        }
    }

    @Test func aRetryAfterAPartialFailureSendsOnlyTheRowsNotYetAccepted() async throws {
        try await withTemporaryDirectory { _ in
            try await withInProcessSimulator(scenario: F.scenario(settings: #","ingestMaxBytes":5000"#)) { url, http in
                let (transport, _) = F.transport(url: url, http: http)
                let small = try F.paddedRecords(3, size: 1_000)
                let big = try F.paddedRecords(1, size: 8_000).map { record in
                    try F.records("[" + String(decoding: record.bytes, as: UTF8.self).replacingOccurrences(of: "00000000-0000-4000", with: "bbbbbbbb-0000-4000") + "]")[0]
                }
                let batch = RecordBatch(source: F.source, records: small + big)
                // 413 halves: [s0, s1] and then [s2] are accepted, the big row alone is refused.
                let error = await F.transportError { try await transport.send([batch]) }
                guard case .permanent? = error else { Issue.record("expected permanent, got \(String(describing: error))"); return }
                try await F.control(url: url, http: http, "configure", #"{"settings":{"ingestMaxBytes":1000000}}"#)
                try await transport.send([batch])
                let ids = try await F.ingested(url: url, http: http).calls.flatMap { $0["body"]?.arrayValue ?? [] }
                    .compactMap { $0["RecordId"]?.stringValue }
                #expect(ids.sorted() == (small + big).compactMap(\.id).sorted())  // each record exactly once
            }
        }
    }

    @Test func throttleSurfacesRetryAfterAndServerErrorsAreRetryable() async throws {
        try await withTemporaryDirectory { _ in
            let faults = #"[{"endpoint":"ingest","kind":"throttle","retryAfterSeconds":7,"count":1},"#
                + #"{"endpoint":"ingest","kind":"5xx","status":503,"count":1}]"#
            try await withInProcessSimulator(scenario: F.scenario(faults: faults)) { url, http in
                let (transport, _) = F.transport(url: url, http: http)
                let batch = RecordBatch(source: F.source, records: try F.paddedRecords(3))
                let throttled = await F.transportError { try await transport.send([batch]) }
                guard case .retryable(_, let retryAfter)? = throttled else { Issue.record("expected retryable, got \(String(describing: throttled))"); return }
                #expect(retryAfter == .seconds(7))
                let unavailable = await F.transportError { try await transport.send([batch]) }
                guard case .retryable(let message, _)? = unavailable else { Issue.record("expected retryable 503"); return }
                #expect(message.contains("503"))
                try await transport.send([batch])
                #expect(try await F.ingested(url: url, http: http).calls.count == 1)
            }
        }
    }

    @Test func anExpiredTokenIsRefreshedOnceAndBadCredentialsArePermanent() async throws {
        try await withTemporaryDirectory { _ in
            let faults = #"[{"endpoint":"ingest","kind":"expiredToken","count":1}]"#
            try await withInProcessSimulator(scenario: F.scenario(faults: faults)) { url, http in
                let (transport, tokens) = F.transport(url: url, http: http)
                try await transport.send([RecordBatch(source: F.source, records: try F.paddedRecords(2))])
                #expect(await tokens.fetchCount == 2)
                #expect(try await F.ingested(url: url, http: http).calls.count == 1)

                let (wrong, _) = F.transport(url: url, http: http, secret: "not-the-secret")
                let one = RecordBatch(source: F.source, records: try F.paddedRecords(1))
                let error = await F.transportError { try await wrong.send([one]) }
                guard case .permanent(let message)? = error else { Issue.record("expected permanent, got \(String(describing: error))"); return }
                #expect(message.contains("7000215"))
                #expect(!message.contains("not-the-secret"))
            }
        }
    }
}
