import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

/// Issue 15: every metric that an alert rule (webhook-config/prometheus) or a dashboard panel
/// (webhook-config/grafana) uses is one that the built `serve` exports on /metrics: no dead panel, and no
/// rule that can never fire.
@Suite("alert rules and dashboard against the real exporter (built binary)")
struct MetricsNamesTests {
    /// `activityhook_…` names in a file; a histogram's `_bucket`, `_sum` and `_count` series count as the histogram.
    static func names(in relativePath: String) throws -> Set<String> {
        let text = try String(contentsOf: repositoryRoot.appendingPathComponent(relativePath), encoding: .utf8)
        let regex = try Regex("activityhook_[a-z0-9_]+")
        return Set(text.matches(of: regex).map { String(text[$0.range]) })
    }

    @Test(.timeLimit(.minutes(2)))
    func everyMetricInTheRulesAndTheDashboardIsExported() async throws {
        let rules = try Self.names(in: "webhook-config/prometheus/activityhook-rules.yml")
        let panels = try Self.names(in: "webhook-config/grafana/activityhook.json")
        #expect(rules.count >= 10)
        #expect(panels.count >= 20)
        try await withTemporaryDirectory { dir in
            let config = try writeTestConfig(in: dir)
            let child = try ChildProcess(try TestBinaries.require("activityhook"), ["serve", "--config", config])
            let ready = try #require(await child.waitForLine { $0.hasPrefix("activityhook ready") })
            let base = "http://" + ready.split(separator: " ").first { $0.hasPrefix("listen=") }!.dropFirst("listen=".count)
            let client = try HTTPClient()
            defer { client.shutdown() }
            let text = String(decoding: try await client.execute(HTTPClientRequest(url: "\(base)/metrics")).body, as: UTF8.self)
            var exported = Set<String>()
            for line in text.split(separator: "\n") where line.hasPrefix("# TYPE ") {
                let parts = line.split(separator: " ")
                guard parts.count >= 4 else { continue }
                let name = String(parts[2])
                exported.insert(name)
                if parts[3] == "histogram" { exported.formUnion(["\(name)_bucket", "\(name)_sum", "\(name)_count"]) }
            }
            #expect(rules.subtracting(exported).isEmpty, "rules use metrics serve does not export: \(rules.subtracting(exported).sorted())")
            #expect(panels.subtracting(exported).isEmpty, "panels use metrics serve does not export: \(panels.subtracting(exported).sorted())")
            child.signal(SIGTERM)
            #expect(await child.waitForExit() == 0)
        }
    }
}
