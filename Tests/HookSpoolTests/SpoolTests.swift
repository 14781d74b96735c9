import Foundation
import HookRecords
import HookSpool
import HookTestSupport
import Logging
import Testing

let quiet = Logger(label: "spool-test", factory: { _ in SwiftLogNoOpLogHandler() })

func record(_ n: Int, blob: Int64 = 1, payload: Int = 40) -> SpoolRecord {
    let text = #"{"Id":"id-\#(n)","CreationTime":"2026-12-01T10:00:00","RecordType":28,"Operation":"Op\#(n)","pad":"\#(String(repeating: "x", count: payload))"}"#
    return SpoolRecord(origin: BlobSource(blobId: blob, tenantId: "t-1", contentType: "Audit.General", contentId: "c-\(blob)"),
                       record: SplitRecord(bytes: Array(text.utf8), offset: n * 100, id: "id-\(n)", recordType: 28,
                                           creationTimeText: "2026-12-01T10:00:00", operation: "Op\(n)", workload: nil,
                                           organizationId: nil, userId: n % 2 == 0 ? "user@example.com" : nil))
}

func readAll(_ spool: Spool, from sequence: UInt64 = 0) async throws -> [SpoolEntry] {
    let reader = SpoolReader(spool: spool, from: sequence)
    var all: [SpoolEntry] = []
    while true {
        let batch = try await reader.read(maxEntries: 333, maxBytes: 1 << 20)
        if batch.isEmpty { return all }
        all += batch
    }
}

@Suite struct SpoolTests {
    @Test func entriesReadBackWithTheirOriginalBytesAndFieldsInOrder() async throws {
        try await withTemporaryDirectory { dir in
            let spool = try await Spool.open(SpoolConfiguration(directory: dir.appendingPathComponent("spool").path), logger: quiet)
            let first = try await spool.append((0..<10).map { record($0) })
            let second = try await spool.append((10..<15).map { record($0, blob: 2) })
            #expect(first == SpoolRange(first: 0, end: 10))
            #expect(second == SpoolRange(first: 10, end: 15))
            #expect(spool.end == 15)
            let entries = try await readAll(spool)
            #expect(entries.map(\.sequence) == Array(0..<15))
            for (index, entry) in entries.enumerated() {
                let expected = record(index, blob: index < 10 ? 1 : 2)
                #expect(entry.record == expected.record)
                #expect(entry.origin == expected.origin)
            }
            // A reader may start anywhere.
            #expect(try await readAll(spool, from: 12).map(\.sequence) == [12, 13, 14])
        }
    }

    @Test func segmentFilesAreMode0600AndRollAtTheirSize() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("spool").path
            let spool = try await Spool.open(SpoolConfiguration(directory: path, segmentBytes: 4_096), logger: quiet)
            for batch in 0..<20 { _ = try await spool.append((0..<10).map { record(batch * 10 + $0) }) }
            let files = try FileManager.default.contentsOfDirectory(atPath: path).filter { $0.hasSuffix(".seg") }
            #expect(files.count > 5)
            #expect(spool.segmentCount == files.count)
            for file in files {
                let mode = try FileManager.default.attributesOfItem(atPath: path + "/" + file)[.posixPermissions] as? Int
                #expect(mode == 0o600, "\(file)")
            }
            #expect(try await readAll(spool).map(\.sequence) == Array(0..<200))
            // Reopened, the spool continues its sequence.
            spool.close()
            let again = try await Spool.open(SpoolConfiguration(directory: path, segmentBytes: 4_096), logger: quiet)
            #expect(again.end == 200)
            #expect(try await again.append([record(999)]) == SpoolRange(first: 200, end: 201))
            #expect(try await readAll(again, from: 195).map(\.sequence) == Array(195..<201))
        }
    }

    @Test func aTornTailIsCutAtOpenAndEveryDurableEntryStays() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("spool").path
            let spool = try await Spool.open(SpoolConfiguration(directory: path), logger: quiet)
            _ = try await spool.append((0..<50).map { record($0) })
            spool.close()
            let segment = path + "/" + (try FileManager.default.contentsOfDirectory(atPath: path).first { $0.hasSuffix(".seg") }!)
            let intact = try Data(contentsOf: URL(fileURLWithPath: segment))
            // A crash mid-append: half a frame, then garbage that is not a frame at all.
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: segment))
            try handle.seekToEnd()
            try handle.write(contentsOf: Data([0x40, 0x00, 0x00, 0x00, 0xde, 0xad, 0xbe, 0xef, 1, 2, 3]))
            try handle.close()
            let reopened = try await Spool.open(SpoolConfiguration(directory: path), logger: quiet)
            #expect(reopened.recovery.cutBytes == 11)
            #expect(reopened.end == 50)
            #expect(try Data(contentsOf: URL(fileURLWithPath: segment)) == intact)
            #expect(try await reopened.append([record(50)]) == SpoolRange(first: 50, end: 51))
            #expect(try await readAll(reopened).map(\.sequence) == Array(0..<51))
        }
    }

    @Test func aFlippedBitInTheLastFrameIsDetectedByItsChecksum() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("spool").path
            let spool = try await Spool.open(SpoolConfiguration(directory: path), logger: quiet)
            _ = try await spool.append((0..<5).map { record($0) })
            spool.close()
            let segment = path + "/" + (try FileManager.default.contentsOfDirectory(atPath: path).first { $0.hasSuffix(".seg") }!)
            var bytes = try Data(contentsOf: URL(fileURLWithPath: segment))
            bytes[bytes.count - 3] ^= 0x01
            try bytes.write(to: URL(fileURLWithPath: segment))
            let reopened = try await Spool.open(SpoolConfiguration(directory: path), logger: quiet)
            #expect(reopened.end == 4)
            #expect(reopened.recovery.cutBytes > 0)
            #expect(try await readAll(reopened).map(\.sequence) == [0, 1, 2, 3])
        }
    }

    @Test func spentSegmentsAreDeletedButNeverTheActiveOne() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("spool").path
            let spool = try await Spool.open(SpoolConfiguration(directory: path, segmentBytes: 2_048), logger: quiet)
            for batch in 0..<10 { _ = try await spool.append((0..<10).map { record(batch * 10 + $0) }) }
            let before = spool.segmentCount
            let bytesBefore = spool.bytes
            #expect(try await spool.release(below: 50) > 0)
            #expect(spool.segmentCount < before)
            #expect(spool.bytes < bytesBefore)
            #expect(spool.first <= 50)
            #expect(try await readAll(spool, from: 50).map(\.sequence) == Array(50..<100))
            _ = try await spool.release(below: 1_000)
            #expect(spool.segmentCount == 1)
            #expect(try await spool.append([record(100)]) == SpoolRange(first: 100, end: 101))
        }
    }

    @Test func aCursorPastTheSpoolsEndRestartsTheSequenceThereAndReportsTheLoss() async throws {
        try await withTemporaryDirectory { dir in
            let path = dir.appendingPathComponent("spool").path
            let spool = try await Spool.open(SpoolConfiguration(directory: path), minimumNext: 0, logger: quiet)
            _ = try await spool.append((0..<3).map { record($0) })
            spool.close()
            let reopened = try await Spool.open(SpoolConfiguration(directory: path), minimumNext: 10, logger: quiet)
            #expect(reopened.recovery.lost)
            #expect(reopened.end == 10)
            #expect(try await reopened.append([record(3)]) == SpoolRange(first: 10, end: 11))
            #expect(try await readAll(reopened, from: 10).map(\.sequence) == [10])
        }
    }

    @Test func concurrentAppendsShareWritesAndEachGetsItsOwnRange() async throws {
        try await withTemporaryDirectory { dir in
            let spool = try await Spool.open(SpoolConfiguration(directory: dir.appendingPathComponent("spool").path), logger: quiet)
            let ranges = try await withThrowingTaskGroup(of: SpoolRange.self) { group in
                for worker in 0..<16 {
                    group.addTask { try await spool.append((0..<25).map { record(worker * 1_000 + $0, blob: Int64(worker)) }) }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            #expect(ranges.map { $0.end - $0.first } == Array(repeating: 25, count: 16))
            #expect(Set(ranges.map(\.first)).count == 16)
            let entries = try await readAll(spool)
            #expect(entries.count == 400)
            // Each append's entries are contiguous and belong to one blob.
            for range in ranges {
                let blobs = Set(entries[Int(range.first)..<Int(range.end)].map(\.origin.blobId))
                #expect(blobs.count == 1)
            }
        }
    }

    @Test func aReaderWaitingAtTheTailWakesOnTheNextAppend() async throws {
        try await withTemporaryDirectory { dir in
            let spool = try await Spool.open(SpoolConfiguration(directory: dir.appendingPathComponent("spool").path), logger: quiet)
            let waiter = Task { await spool.waitForEntries(from: 0); return spool.end }
            _ = try await spool.append([record(1)])
            #expect(await waiter.value == 1)
            // Cancellation ends a wait with nothing appended.
            let cancelled = Task { await spool.waitForEntries(from: 5) }
            cancelled.cancel()
            await cancelled.value
            #expect(spool.end == 1)
        }
    }
}
