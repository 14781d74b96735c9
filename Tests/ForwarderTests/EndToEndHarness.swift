import Foundation
import HookConfig
import HookForwarder
import HookLedger
import HookMetrics
import HookRecords
import HookSinks
import HookTestSupport
import SinkFakes
import Testing

/// Issue 6's end-to-end set-up: the in-process simulator (content and its Logs Ingestion fake), a Splunk HEC
/// fake, and a config with three real sinks (file, splunk-hec, logs-ingestion). No webhook: blobs are listed
/// from the simulator as the poller would and queued straight into the ledger.
struct EndToEnd: Sendable {
    static let hecToken = "0b5c7e10-4ec0-4000-8000-000000000001"
    static let dcr = "dcr-0123456789abcdef0123456789abcdef"
    static let sinkNames = ["archive", "splunk", "sentinel"]

    let sim: FwdSim
    let hec: SplunkHECFake
    let directory: URL
    let configPath: String
    let config: ActivityHookConfig

    var filePath: String { self.directory.appendingPathComponent("records.jsonl").path }
    var statePath: String { self.directory.appendingPathComponent("state.sqlite").path }

    /// Runs `body` with a fresh simulator (extra `settings` JSON), HEC fake and config in `directory`.
    static func run<T: Sendable>(in directory: URL, settings: String = "", sinks: [String] = EndToEnd.sinkNames,
                                 alertURL: String? = nil, _ body: @Sendable (EndToEnd) async throws -> T) async throws -> T {
        try await withFwdSim(FwdSim.scenario(settings)) { sim in
            try await SplunkHECFake.withRunning(token: Self.hecToken) { hec, hecURL in
                let yaml = """
                    server: { listen: "127.0.0.1:0", path: /activity-webhook, publicUrl: "http://127.0.0.1:9/activity-webhook", authId: "test-auth-id-0123456789" }
                    state: { path: ./state.sqlite }
                    api: { apiRoot: "\(sim.url)", loginUrl: "\(sim.url)", publisherId: "\(publisher)" }
                    tenants:
                      - { tenantId: "\(tenantA)", clientId: "\(appA)", clientSecret: "\(secretA)", contentTypes: [Audit.General] }
                    workers: { concurrency: 4 }
                    sinks:

                    """ + [
                        "archive": #"  - { name: archive, type: file, path: ./records.jsonl }"#,
                        "splunk": #"  - { name: splunk, type: splunk-hec, url: "\#(hecURL)", token: "\#(Self.hecToken)", sourcetype: "o365:management:activity" }"#,
                        "sentinel": #"  - { name: sentinel, type: logs-ingestion, endpoint: "\#(sim.url)", dcrImmutableId: "\#(Self.dcr)", stream: Custom-O365Audit }"#,
                        "alerts": #"  - { name: alerts, type: alert-webhook, url: "\#(alertURL ?? "")", format: json, ratePerMinute: 6000 }"#,
                    ].filter { sinks.contains($0.key) }.sorted { $0.key < $1.key }.map(\.value).joined(separator: "\n")
                let path = directory.appendingPathComponent("activityhook.yaml").path
                try yaml.write(toFile: path, atomically: true, encoding: .utf8)
                let config = try ConfigLoader.load(path: path).config
                return try await body(EndToEnd(sim: sim, hec: hec, directory: directory, configPath: path, config: config))
            }
        }
    }

    /// Publishes `blobs` generated blobs of `records` records and lists them back from the simulator.
    func publish(blobs: Int, records: Int, ageSeconds: Double = 0) async throws -> [BlobNotice] {
        try await self.sim.control("POST", "publish", """
            {"tenant":"\(tenantA)","contentType":"Audit.General","blobs":\(blobs),"recordsPerBlob":\(records),"notify":false,"ageSeconds":\(ageSeconds)}
            """)
        return try await self.sim.client().content("Audit.General").blobs.map { blob in
            BlobNotice(tenantId: tenantA, contentType: blob.contentType, contentId: blob.contentId, contentUri: blob.contentURI,
                       contentCreated: try #require(parseTime(blob.contentCreated)),
                       contentExpiration: try #require(parseTime(blob.contentExpiration)))
        }
    }

    /// What the blobs hold, read and split independently of the workers: every record's original bytes by
    /// Id (first occurrence), and how many records there were in all (duplicates included).
    func expected(_ notices: [BlobNotice]) async throws -> (byId: [String: [UInt8]], total: Int) {
        var byId: [String: [UInt8]] = [:]
        var total = 0
        for notice in notices {
            for record in try RecordSplitter.split(try await self.sim.rawBlob(notice)) {
                total += 1
                let id = try #require(record.id)
                if byId[id] == nil { byId[id] = record.bytes }
            }
        }
        return (byId, total)
    }

    /// The sinks of the config, with fast retries, and both stages over them: the pool (polling the ledger every
    /// 100 ms at most) and one delivery loop per sink.
    func stages(ledger: SQLiteLedger, registry: MetricsRegistry,
                retry: SinkRetryPolicy = SinkRetryPolicy(backoff: .init(base: .milliseconds(20), cap: .milliseconds(200), maxAttempts: 4),
                                                         budget: .seconds(5)),
                policy: ForwardingPolicy = ForwardingPolicy(retryBase: .milliseconds(100), retryCap: .milliseconds(500))) async throws
        -> (Stages, [any Sink])
    {
        let sinks = try SinkFactory.makeSinks(self.config.sinks, http: self.sim.http, metrics: registry, logger: quietLogger,
                                              retry: retry, config: self.config)
        let fetcher = self.sim.fetcher()
        let stages = try await Stages.make(ledger: ledger, sinks: sinks, registry: registry) { spool in
            let processor = BlobProcessor(ledger: ledger, fetcher: fetcher, spool: spool, sinks: sinks,
                                          metrics: ForwarderMetrics(registry: registry), policy: policy, logger: quietLogger)
            return WorkerPool(processor: processor, settings: .init(concurrency: 4, idleWait: .milliseconds(100)), signal: ledger.newWork)
        }
        return (stages, sinks)
    }

    /// The file sink's lines.
    func fileLines() throws -> [[UInt8]] {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: self.filePath)))
        return data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true).map(Array.init)
    }

    /// The `Record` column of every row the Logs Ingestion fake accepted, byte for byte. Each call's body is
    /// located through its `bodyBytes`, then cut into rows by the real splitter; `Record` is the last column.
    func ingestedRecords() async throws -> [[UInt8]] { try await Self.ingestedRecords(self.sim) }

    /// The `Id`s of the records in ``ingestedRecords(_:)``.
    static func ingestedIds(_ sim: FwdSim) async throws -> [String] {
        try await Self.ingestedRecords(sim).compactMap { try RecordSplitter.split(Array("[".utf8) + $0 + Array("]".utf8)).first?.id }
    }

    static func ingestedRecords(_ sim: FwdSim) async throws -> [[UInt8]] {
        let response = try await sim.http.execute(.init(url: "\(sim.url)/_sim/ingested?records=false"), maxBodyBytes: 512 << 20)
        let raw = response.body
        let sizeKey = Array(#""bodyBytes":"#.utf8)
        let recordKey = Array(#","Record":"#.utf8)
        var records: [[UInt8]] = []
        var index = 0
        while let found = raw.firstRange(of: sizeKey, from: index) {
            var cursor = found.upperBound
            var size = 0
            while cursor < raw.count, raw[cursor] >= 0x30, raw[cursor] <= 0x39 { size = size * 10 + Int(raw[cursor] - 0x30); cursor += 1 }
            let bodyKey = Array(#","body":"#.utf8)  // `bodyBytes` is followed by `body`
            try #require(Array(raw[cursor..<min(raw.count, cursor + bodyKey.count)]) == bodyKey)
            let start = cursor + bodyKey.count
            for row in try RecordSplitter.split(raw[start..<(start + size)], limits: .init(maxRecordBytes: 2 << 20)) {
                let at = try #require(row.bytes.firstRange(of: recordKey, from: 0), "a row without Record")
                records.append(Array(row.bytes[at.upperBound..<(row.bytes.count - 1)]))
            }
            index = start + size
        }
        return records
    }

    /// The value of the counter `name` in `registry` (summed over its labels).
    static func counter(_ name: String, in registry: MetricsRegistry) -> Double {
        registry.render().split(separator: "\n").filter { $0.hasPrefix(name + "{") || $0.hasPrefix(name + " ") }
            .compactMap { $0.split(separator: " ").last.flatMap { Double($0) } }.reduce(0, +)
    }
}

/// Waits until `count` distinct blobs finished with an outcome matching `match` (a readiness signal from the
/// pool, with a deadline for hangs).
func waitForOutcomes(_ pool: WorkerPool, _ count: Int, within seconds: Double = 120,
                     where match: @escaping @Sendable (BlobOutcome) -> Bool = { $0 == .done }) async throws {
    let stream = pool.outcomes
    let reached = await withTaskGroup(of: Bool.self) { group in
        group.addTask {
            var seen: Set<Int64> = []
            for await finished in stream where match(finished.outcome) {
                seen.insert(finished.blob.id)
                if seen.count >= count { return true }
            }
            return false
        }
        group.addTask {
            try? await Task.sleep(for: .seconds(seconds))
            return false
        }
        let first = await group.next() ?? false
        group.cancelAll()
        return first
    }
    try #require(reached, "fewer than \(count) matching blob outcomes within \(seconds) s")
}

extension Array where Element == UInt8 {
    /// The first range at or after `from` where `needle` occurs.
    func firstRange(of needle: [UInt8], from: Int) -> Range<Int>? {
        guard !needle.isEmpty, self.count >= needle.count else { return nil }
        var index = from
        while index + needle.count <= self.count {
            if self[index] == needle[0] && self[index..<(index + needle.count)].elementsEqual(needle) { return index..<(index + needle.count) }
            index += 1
        }
        return nil
    }
}
