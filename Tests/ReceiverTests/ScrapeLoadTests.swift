import Foundation
import HookHTTPClient
@testable import HookLedger
import HookTestSupport
import Synchronization
import Testing

/// `/metrics` and `/healthz` must not slow intake: they read on the ledger's separate reader connection,
/// never write, and share one ledger read per `summaryMaxAge`.
@Suite("Receiver: scrapes and health probes stay off the ledger's write thread")
struct ScrapeLoadTests {
    @Test("with the write thread blocked, /metrics and /healthz still answer from the reader; no commit is made")
    func noWriteThread() async throws {
        try await withTemporaryDirectory { dir in
            let ledger = try await SQLiteLedger.open(path: dir.appendingPathComponent("ledger.db").path, separateReader: true)
            try await withReceiver(ledger: ledger) { server, _ in
                let client = try HTTPClient()
                defer { client.shutdown() }
                #expect(try await rawStatus(server.port, body: Array("[\(element("n1"))]".utf8)) == 200)
                let commits = ledger.groupCommitStats.transactions
                // Hold the write thread: anything queued on it now waits until `release` is signalled.
                let (entered, enteredContinuation) = AsyncStream.makeStream(of: Void.self)
                let release = DispatchSemaphore(value: 0)
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask {
                        try await ledger.database.write { _ in
                            enteredContinuation.yield()
                            release.wait()
                        }
                    }
                    defer { release.signal() }
                    var iterator = entered.makeAsyncIterator()
                    _ = await iterator.next()
                    let base = "http://127.0.0.1:\(server.port)"
                    let metrics = try await client.execute(HTTPClientRequest(url: "\(base)/metrics", timeout: .seconds(20)))
                    let health = try await client.execute(HTTPClientRequest(url: "\(base)/healthz", timeout: .seconds(20)))
                    #expect(metrics.status == 200)
                    #expect(String(decoding: metrics.body, as: UTF8.self).contains(#"activityhook_ledger_blobs{state="queued"} 1"#))
                    #expect(health.status == 200)
                    #expect(ledger.groupCommitStats.transactions == commits)
                    release.signal()
                    try await group.waitForAll()
                }
            }
            await ledger.close()
        }
    }

    @Test("scrapes within the summary's age, concurrent or not, share one ledger read; past it, each reads again")
    func cacheReused() async throws {
        for (maxAge, scrapes, expectedReads) in [(Duration.seconds(3_600), 30, 1), (Duration.zero, 5, 5)] {
            let reads = Atomic<Int>(0)
            try await withReceiver(ledger: InMemoryLedger(), summaryMaxAge: maxAge) { server, metrics in
                metrics.onScrape { reads.add(1, ordering: .relaxed) }
                let client = try HTTPClient()
                defer { client.shutdown() }
                let url = "http://127.0.0.1:\(server.port)/metrics"
                let concurrent = maxAge == .zero ? 0 : scrapes / 2
                try await withThrowingTaskGroup(of: Int.self) { group in
                    for _ in 0..<concurrent { group.addTask { try await client.execute(HTTPClientRequest(url: url)).status } }
                    for try await status in group { #expect(status == 200) }
                }
                for _ in concurrent..<scrapes { #expect(try await client.execute(HTTPClientRequest(url: url)).status == 200) }
            }
            #expect(reads.load(ordering: .relaxed) == expectedReads, "maxAge \(maxAge)")
        }
    }
}
