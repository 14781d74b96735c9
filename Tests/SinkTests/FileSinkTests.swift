import Foundation
import HookConfig
import HookJSON
import HookMetrics
import HookRecords
import HookSinks
import HookTestSupport
import Testing

@Suite("File and stdout sinks")
struct FileSinkTests {
    static func fileSink(_ config: FileSinkConfig, limits: BatchLimits = FileTransport.defaultLimits) -> BatchingSink<FileTransport> {
        BatchingSink(name: "file", filter: .init(), transport: FileTransport(configuration: config, limits: limits),
                     configuration: BatchingSinkConfiguration(retry: TestRecords.fastRetry(attempts: 2)),
                     metrics: SinkMetrics(registry: MetricsRegistry(), sink: "file"), logger: TestRecords.logger)
    }

    static func lines(_ path: String) throws -> [[UInt8]] {
        let data = try [UInt8](Data(contentsOf: URL(fileURLWithPath: path)))
        #expect(data.last == UInt8(ascii: "\n"))
        return data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast().map(Array.init)
    }

    @Test("each line is exactly the record's original bytes; the new file has mode 0600")
    func byteIdenticalLines() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("audit.jsonl").path
            let sink = Self.fileSink(FileSinkConfig(path: path))
            let first = TestRecords.batch(0..<5)
            let second = TestRecords.batch(5..<7)
            try await sink.deliver(first)
            try await sink.deliver(second)
            await sink.shutdown()
            #expect(try Self.lines(path) == (first.records + second.records).map(\.bytes))
            let mode = try #require(try FileManager.default.attributesOfItem(atPath: path)[.posixPermissions] as? Int)
            #expect(mode == 0o600)
        }
    }

    @Test("envelope lines are valid JSON holding the source and the record's original bytes")
    func envelope() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("audit.jsonl").path
            let sink = Self.fileSink(FileSinkConfig(path: path, envelope: true))
            let source = BlobSource(blobId: 1, tenantId: "t\"1", contentType: "Audit.Exchange", contentId: "c\\1")
            let batch = TestRecords.batch(0..<3, source: source)
            try await sink.deliver(batch)
            await sink.shutdown()
            let lines = try Self.lines(path)
            try #require(lines.count == 3)
            for (line, record) in zip(lines, batch.records) {
                let value = try JSONParser.parse(line)
                #expect(value["tenantId"]?.stringValue == "t\"1")
                #expect(value["contentType"]?.stringValue == "Audit.Exchange")
                #expect(value["contentId"]?.stringValue == "c\\1")
                #expect(value["record"] == (try JSONParser.parse(record.bytes)))
                #expect(Array(line.suffix(record.bytes.count + 1).dropLast()) == record.bytes)
            }
        }
    }

    @Test("rotation by size: several files, every line exactly once, no batch split across files")
    func rotation() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("audit.jsonl").path
            let sink = Self.fileSink(FileSinkConfig(path: path, rotateBytes: 1_000))
            var expected: [[UInt8]] = []
            for n in 0..<20 {
                let batch = TestRecords.batch(n * 3..<n * 3 + 3)
                expected += batch.records.map(\.bytes)
                try await sink.deliver(batch)
            }
            await sink.shutdown()
            let names = try FileManager.default.contentsOfDirectory(atPath: dir.path).filter { $0.hasPrefix("audit.jsonl") }
            #expect(names.count > 3)
            var all: [[UInt8]] = []
            let batchBytes = TestRecords.batch(0..<3).records.reduce(0) { $0 + $1.bytes.count + 1 }
            for name in names {
                let lines = try Self.lines(dir.appendingPathComponent(name).path)
                #expect(lines.count % 3 == 0)  // whole batches only
                #expect(lines.reduce(0) { $0 + $1.count + 1 } <= max(1_000, batchBytes))
                if name != "audit.jsonl" { #expect(name.wholeMatch(of: /audit\.jsonl\.\d{8}T\d{6}Z(\.\d+)?/) != nil) }
                all += lines
            }
            #expect(all.count == expected.count)
            #expect(Set(all) == Set(expected))
        }
    }

    @Test("an unusable path fails permanently with a message naming it")
    func unusablePath() async throws {
        await withTemporaryDirectory { dir in
            let missing = dir.appendingPathComponent("no/such/dir/audit.jsonl").path
            let sink = Self.fileSink(FileSinkConfig(path: missing))
            let error = await #expect(throws: SinkError.self) { try await sink.deliver(TestRecords.batch(0..<1)) }
            #expect(error?.kind == .permanent && error?.message.contains(missing) == true)
            await sink.shutdown()

            let directory = dir.path  // a directory where a file is expected: EISDIR
            let dirSink = Self.fileSink(FileSinkConfig(path: directory))
            let dirError = await #expect(throws: SinkError.self) { try await dirSink.deliver(TestRecords.batch(0..<1)) }
            #expect(dirError?.kind == .permanent && dirError?.message.contains(directory) == true)
            await dirSink.shutdown()
        }
    }

    @Test("a raw line break between tokens becomes a space, so a record stays one line with the same JSON")
    func rawNewline() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("audit.jsonl").path
            let sink = Self.fileSink(FileSinkConfig(path: path))
            let bytes = Array("{\"Id\":\"a\",\r\n\"RecordType\":1}".utf8)
            let record = SplitRecord(bytes: bytes, offset: 0, id: "a", recordType: 1, creationTimeText: nil, operation: nil,
                                     workload: nil, organizationId: nil, userId: nil)
            try await sink.deliver(RecordBatch(source: TestRecords.source, records: [record]))
            await sink.shutdown()
            let lines = try Self.lines(path)
            try #require(lines.count == 1)
            #expect(lines[0] == Array("{\"Id\":\"a\",  \"RecordType\":1}".utf8))
            #expect(try JSONParser.parse(lines[0]) == (try JSONParser.parse(bytes)))
        }
    }

    @Test("stdout writes envelope lines to its descriptor")
    func stdoutLines() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("stdout.jsonl").path
            let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
            try #require(fd >= 0)
            defer { close(fd) }
            let sink = BatchingSink(name: "out", filter: .init(), transport: StdoutTransport(fileDescriptor: fd),
                                    metrics: SinkMetrics(registry: MetricsRegistry(), sink: "out"), logger: TestRecords.logger)
            let batch = TestRecords.batch(0..<4)
            try await sink.deliver(batch)
            await sink.shutdown()
            let lines = try Self.lines(path)
            #expect(lines.count == 4)
            for (line, record) in zip(lines, batch.records) {
                let value = try JSONParser.parse(line)
                #expect(value["contentId"]?.stringValue == TestRecords.source.contentId)
                #expect(value["record"] == (try JSONParser.parse(record.bytes)))
            }
        }
    }
}
