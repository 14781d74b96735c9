import Foundation
import HookConfig
import HookHTTPClient
import HookMetrics
import HookSinks
import HookTestSupport
import Testing

@Suite("SinkFactory and filters")
struct SinkFactoryTests {
    @Test("builds file, stdout and splunk-hec sinks with their names and filters; the file sink works")
    func buildsSinks() async throws {
        try await withTemporaryDirectory { dir in
            let http = try HTTPClient()
            defer { http.shutdown() }
            let path = dir.appendingPathComponent("out.jsonl").path
            let configs = [
                SinkConfig(name: "archive", filter: SinkFilter(recordTypes: [28]), kind: .file(FileSinkConfig(path: path))),
                SinkConfig(name: "console", kind: .stdout),
                SinkConfig(name: "splunk", kind: .splunkHEC(SplunkHECSinkConfig(url: "https://127.0.0.1:1", token: Secret("t")))),
            ]
            let metrics = MetricsRegistry()
            let sinks = try SinkFactory.makeSinks(configs, http: http, metrics: metrics, logger: TestRecords.logger)
            #expect(sinks.map(\.name) == ["archive", "console", "splunk"])
            #expect(sinks[0].filter.recordTypes == [28])
            #expect(sinks[0] is BatchingSink<FileTransport> && sinks[1] is BatchingSink<StdoutTransport>)
            #expect(sinks[2] is BatchingSink<SplunkHECTransport>)
            try await sinks[0].deliver(TestRecords.batch(0..<2))
            for sink in sinks { await sink.shutdown() }
            #expect(try String(contentsOfFile: path, encoding: .utf8).split(separator: "\n").count == 2)
            #expect(metrics.value(of: #"activityhook_sink_records_sent_total{sink="archive"}"#) == 2)
        }
    }

    @Test("logs-ingestion needs credentials from the sink or a tenant; alert-webhook is built with its record-type filter")
    func azureAndAlertSinks() async throws {
        let http = try HTTPClient()
        defer { http.shutdown() }
        let ingestion = LogsIngestionSinkConfig(endpoint: "https://x.ingest.monitor.azure.com",
                                                dcrImmutableId: "dcr-00000000000000000000000000000000", stream: "Custom-O365")
        let error = #expect(throws: SinkSetupError.self) {
            try SinkFactory.makeSink(SinkConfig(name: "s", kind: .logsIngestion(ingestion)), http: http, metrics: MetricsRegistry(),
                                     logger: TestRecords.logger)
        }
        #expect(error?.sink == "s" && error?.message.contains("credentials") == true)

        var withCredentials = ingestion
        withCredentials.credentials = AzureClientCredentials(tenantId: "11111111-2222-3333-4444-555555555555",
                                                             clientId: "66666666-7777-8888-9999-000000000000",
                                                             clientSecret: Secret("s3cret"))
        let sentinel = try SinkFactory.makeSink(SinkConfig(name: "sentinel", kind: .logsIngestion(withCredentials)), http: http,
                                                metrics: MetricsRegistry(), logger: TestRecords.logger)
        #expect(sentinel.name == "sentinel")

        let alert = try SinkFactory.makeSink(
            SinkConfig(name: "alerts", kind: .alertWebhook(AlertWebhookSinkConfig(url: Secret("https://example.com/hook"), format: .json))),
            http: http, metrics: MetricsRegistry(), logger: TestRecords.logger)
        #expect(alert.filter.recordTypes == AlertWebhookSinkConfig.defaultRecordTypes)
        await sentinel.shutdown()
        await alert.shutdown()
    }

    @Test("an alert webhook's filter is narrowed to its record types")
    func alertFilter() {
        let alert = AlertWebhookSinkConfig(url: Secret("https://example.com/hook"), format: .slack, recordTypes: [28, 40])
        let unfiltered = SinkConfig(name: "a", kind: .alertWebhook(alert))
        #expect(unfiltered.effectiveFilter.recordTypes == [28, 40])
        let narrowed = SinkConfig(name: "b", filter: SinkFilter(recordTypes: [40, 1], workloads: ["Exchange"]), kind: .alertWebhook(alert))
        #expect(narrowed.effectiveFilter.recordTypes == [40])
        #expect(narrowed.effectiveFilter.workloads == ["Exchange"])
        #expect(!narrowed.effectiveFilter.accepts(tenantId: "t", contentType: .auditGeneral, recordType: 1,
                                                  workload: "Exchange", operation: nil))
        let disjoint = SinkFilter(recordTypes: [1]).restricted(toRecordTypes: [28])
        #expect(disjoint.recordTypes == [])
        #expect(!disjoint.accepts(tenantId: "t", contentType: .auditGeneral, recordType: 28, workload: nil, operation: nil))
        let file = SinkConfig(name: "f", filter: SinkFilter(recordTypes: [1]), kind: .file(FileSinkConfig(path: "/tmp/x")))
        #expect(file.effectiveFilter.recordTypes == [1])
    }
}
