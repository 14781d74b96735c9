import Foundation
import HookJSON
import HookSinks
import HookTestSupport
import Testing

@Suite("webhook-config/sentinel stays in step with the logs-ingestion rows")
struct SentinelTemplateTests {
    static let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("webhook-config/sentinel")

    static func template() throws -> JSONValue {
        let bytes = try Data(contentsOf: Self.folder.appendingPathComponent("o365-table-dcr.json"))
        return try JSONParser.parse(Array(bytes), limits: .init(maxDepth: 32))
    }

    static func columns(_ value: JSONValue?) -> [LogsIngestionRow.Column] {
        (value?.arrayValue ?? []).compactMap { column in
            column["name"]?.stringValue.flatMap { name in column["type"]?.stringValue.map { LogsIngestionRow.Column(name: name, type: $0) } }
        }
    }

    @Test func streamDeclarationAndTableMatchTheRowsTheTransportWrites() async throws {
        try await withTemporaryDirectory { _ in
            let template = try Self.template()
            let resources = template["resources"]?.arrayValue ?? []
            let dcr = try #require(resources.first { $0["type"]?.stringValue == "Microsoft.Insights/dataCollectionRules" })
            #expect(dcr["kind"]?.stringValue == "Direct")
            let declared = Self.columns(dcr["properties"]?["streamDeclarations"]?["Custom-O365Audit"]?["columns"])
            #expect(declared == LogsIngestionRow.columns)

            let flow = try #require(dcr["properties"]?["dataFlows"]?.arrayValue?.first)
            #expect(flow["streams"]?.arrayValue == [.string("Custom-O365Audit")])
            #expect(flow["outputStream"]?.stringValue == "Custom-O365_CL")

            // The table API spells datetime as dateTime; otherwise the same columns.
            let table = try #require(resources.first { $0["type"]?.stringValue == "Microsoft.OperationalInsights/workspaces/tables" })
            #expect(table["properties"]?["schema"]?["name"]?.stringValue == "O365_CL")
            let tableColumns = Self.columns(table["properties"]?["schema"]?["columns"])
            #expect(tableColumns.map { LogsIngestionRow.Column(name: $0.name, type: $0.type.lowercased()) } == LogsIngestionRow.columns)

            let reserved: Set<String> = ["_resourceid", "id", "_subscriptionid", "tenantid", "type", "uniqueid", "title"]
            #expect(LogsIngestionRow.columns.allSatisfy { !reserved.contains($0.name.lowercased()) })
            #expect(template["outputs"]?["dcrImmutableId"] != nil)
            #expect(template["outputs"]?["logsIngestionEndpoint"] != nil)
        }
    }

    @Test func starterQueriesForTheFourAlertTypes() async throws {
        try await withTemporaryDirectory { _ in
            let names = try FileManager.default.contentsOfDirectory(atPath: Self.folder.appendingPathComponent("queries").path).sorted()
            #expect(names == ["SecurityComplianceAlerts-40.kql", "ThreatIntelligence-28.kql", "ThreatIntelligenceAtpContent-47.kql",
                              "ThreatIntelligenceUrl-41.kql"])
            for name in names {
                let text = try String(contentsOf: Self.folder.appendingPathComponent("queries/\(name)"), encoding: .utf8)
                let type = name.dropLast(4).split(separator: "-").last.map(String.init) ?? ""
                #expect(text.contains("\nO365_CL\n"), "\(name) queries O365_CL")
                #expect(text.contains("| where RecordType == \(type)\n"), "\(name) filters on RecordType \(type)")
            }
        }
    }
}
