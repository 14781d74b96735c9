import Foundation
import HookConfig
import HookHTTPClient
import HookJSON
import HookRecords
import HookRetry
import HookSinks
import HookTestSupport
import SimulatorTestSupport
import Testing

/// Issue 15 item 8 (docs/legacy-columns.md): `columns: legacy` writes the retired Data Collector API's column
/// names and types, so `O365_CL | where RecordType_d == "28"` keeps working; the shipped table and DCR declare
/// every column the simulator's records produce.
@Suite("logs-ingestion columns: legacy")
struct LegacyColumnsTests {
    typealias F = AzureSinkFixtures

    static func row(_ json: String) throws -> JSONValue {
        let record = try #require(try RecordSplitter.split(Array("[\(json)]".utf8)).first)
        let bytes = LegacyColumnsRow.encode(record, source: F.source, ingestedAt: Date(timeIntervalSince1970: 1_796_000_000))
        return try JSONParser.parse(bytes, limits: .init(maxDepth: 8, rejectDuplicateKeys: true))
    }

    @Test func eachTopLevelFieldGetsTheSuffixOfItsType() throws {
        let row = try Self.row(#"""
            {"CreationTime":"2026-11-29T06:30:00","Id":"AAAAAAAA-0000-4000-8000-000000000001","RecordType":28,"Operation":"TIMailData",
             "UserType":"4","ExternalAccess":false,"Version":1,"Parameters":[{"Name":"Identity","Value":"x"}],"Nested":{"a":{"b":1.5}},
             "ClientIP":"","Empty":null,"Odd-Name.x":"v","MessageTime":"2026-11-29T06:29:59.1234567Z","Count":"123"}
            """#)
        #expect(row["TimeGenerated"]?.stringValue == "2026-11-29T06:30:00.000Z")
        #expect(row["DateTime_t"]?.stringValue == Timestamp.format(Date(timeIntervalSince1970: 1_796_000_000)))
        #expect(row["CreationTime_t"]?.stringValue == "2026-11-29T06:30:00.000Z")
        #expect(row["Id_g"]?.stringValue == "aaaaaaaa-0000-4000-8000-000000000001")
        #expect(row["RecordType_d"] == .number("28"))
        #expect(row["UserType_d"] == .number("4"), "a known numeric field sent as a string stays in the _d column")
        #expect(row["Count_s"]?.stringValue == "123", "other digit strings stay strings")
        #expect(row["Operation_s"]?.stringValue == "TIMailData")
        #expect(row["ExternalAccess_b"] == .bool(false))
        #expect(row["Version_d"] == .number("1"))
        #expect(row["Parameters_s"]?.stringValue == #"[{"Name":"Identity","Value":"x"}]"#)
        #expect(row["Nested_s"]?.stringValue == #"{"a":{"b":1.5}}"#)
        #expect(row["ClientIP_s"]?.stringValue == "")
        #expect(row["Empty_s"] == nil && row["Empty_d"] == nil, "a null is left out")
        #expect(row["Odd_Name_x_s"]?.stringValue == "v")
        #expect(row["MessageTime_t"]?.stringValue == "2026-11-29T06:29:59.123Z")
        #expect(row["Record"] == nil && row["RecordType"] == nil, "no standard-layout column")
    }

    @Test func theConfigKeySelectsTheLayoutAndNamesItself() throws {
        let base = """
            server: { listen: "127.0.0.1:0", path: /h, publicUrl: "https://hooks.example.com/h", authId: "test-auth-id-0123456789" }
            state: { path: /tmp/x.sqlite }
            tenants: [ { tenantId: "\(F.tenant)", clientId: "\(F.app)", clientSecret: "x", contentTypes: [Audit.General] } ]
            sinks:
              - { name: sentinel, type: logs-ingestion, endpoint: "https://x.ingest.monitor.azure.com", dcrImmutableId: "\(F.dcr)", stream: Custom-O365Legacy, COLUMNS }
            """
        func parse(_ columns: String) throws -> LoadedConfig {
            try ConfigLoader.parse(yaml: base.replacingOccurrences(of: ", COLUMNS", with: columns), baseDirectory: "/tmp", environment: [:])
        }
        guard case .logsIngestion(let standard) = try parse("").config.sinks[0].kind else { Issue.record("not logs-ingestion"); return }
        #expect(standard.columns == .standard)
        guard case .logsIngestion(let legacy) = try parse(", columns: legacy").config.sinks[0].kind else { Issue.record("not logs-ingestion"); return }
        #expect(legacy.columns == .legacy)
        #expect(throws: ConfigError.self) { try parse(", columns: typed") }
    }

    /// Columns of the legacy template's stream declaration and table.
    static func templateColumns() throws -> (stream: [String: String], table: [String: String], transform: String) {
        let bytes = try Data(contentsOf: SentinelTemplateTests.folder.appendingPathComponent("o365-legacy-table-dcr.json"))
        let template = try JSONParser.parse(Array(bytes), limits: .init(maxDepth: 32))
        let resources = template["resources"]?.arrayValue ?? []
        let dcr = try #require(resources.first { $0["type"]?.stringValue == "Microsoft.Insights/dataCollectionRules" })
        let table = try #require(resources.first { $0["type"]?.stringValue == "Microsoft.OperationalInsights/workspaces/tables" })
        func pairs(_ value: JSONValue?) -> [String: String] {
            Dictionary((value?.arrayValue ?? []).compactMap { c in c["name"]?.stringValue.flatMap { n in c["type"]?.stringValue.map { (n, $0) } } },
                       uniquingKeysWith: { first, _ in first })
        }
        let transform = dcr["properties"]?["dataFlows"]?.arrayValue?.first?["transformKql"]?.stringValue ?? ""
        return (pairs(dcr["properties"]?["streamDeclarations"]?["Custom-O365Legacy"]?["columns"]),
                pairs(table["properties"]?["schema"]?["columns"]), transform)
    }

    @Test(.timeLimit(.minutes(2)))
    func theShippedTableDeclaresEveryColumnTheSimulatorsRecordsProduceWithItsType() async throws {
        let (stream, table, transform) = try Self.templateColumns()
        #expect(stream.count == table.count)
        let suffixTypes = ["_s": "string", "_d": "real", "_b": "boolean", "_t": "datetime", "_g": "guid"]
        try await withInProcessSimulator(scenario: F.scenario()) { url, http in
            let client = simulatedTenantClient(url: url, http: http, tenant: F.tenant, app: F.app, secret: F.secret, publisher: F.tenant,
                                               backoff: Backoff(base: .milliseconds(2), cap: .milliseconds(10), maxAttempts: 3))
            var produced = Set<String>()
            for type in ["Audit.General", "DLP.All", "Audit.Exchange", "Audit.SharePoint", "Audit.AzureActiveDirectory"] {
                _ = try await client.start(type, webhook: nil)
                let body = #"{"tenant":"\#(F.tenant)","contentType":"\#(type)","blobs":2,"recordsPerBlob":300,"notify":false}"#
                let published = try await simulatorControl(url: url, http: http, "POST", "publish", body)
                for item in published.object["published"] as? [[String: Any]] ?? [] {
                    let response = try await client.streamBlob(try #require(item["contentUri"] as? String))
                    let bytes = try await response.body.collect(upTo: 64 << 20)
                    withExtendedLifetime(response) {}
                    for record in try RecordSplitter.split(bytes) {
                        let row = LegacyColumnsRow.encode(record, source: F.source, ingestedAt: Date())
                        guard case .object(let members) = try JSONParser.parse(row, limits: .init(maxDepth: 4)) else { continue }
                        produced.formUnion(members.map(\.key))
                    }
                }
            }
            #expect(produced.count > 60)
            let missing = produced.subtracting(table.keys)
            #expect(missing.isEmpty, "columns the table does not declare (Azure would drop them): \(missing.sorted())")
            for name in produced where name != "TimeGenerated" {
                let expected = try #require(suffixTypes[String(name.suffix(2))], "\(name) has no Data Collector suffix")
                #expect(table[name]?.lowercased() == expected, "\(name): table type \(table[name] ?? "none")")
                // Stream declarations have no guid type: strings, converted by the transformation.
                #expect(stream[name] == (expected == "guid" ? "string" : expected), "\(name): stream type \(stream[name] ?? "none")")
                if expected == "guid" { #expect(transform.contains("\(name) = toguid(\(name))")) }
            }
        }
    }
}
