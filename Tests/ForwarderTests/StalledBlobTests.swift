import Foundation
import HookForwarder
import HookHTTPClient
import HookLedger
import HookMetrics
import HookRecords
import HookRetry
import HookTestSupport
import SimulatorTestSupport
import Testing

/// Issue 12 item 2: a blob whose server stops sending mid-body is failed by the low-speed limit, retried,
/// and forwarded once the server behaves.
@Suite struct StalledBlobTests {
    @Test(.timeLimit(.minutes(3)))
    func aBlobWhoseBodyStallsIsRetriedAndThenForwarded() async throws {
        try await withFwdSim { sim in
            let answer = try await sim.control("POST", "publish",
                                               #"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":1,"recordsPerBlob":400,"notify":false}"#)
            let published = try #require((answer["published"] as? [[String: Any]])?.first)
            let contentUri = try #require(published["contentUri"] as? String)
            let uri = try #require(URLComponents(string: contentUri))
            let simPort = try #require(URLComponents(string: sim.url)?.port)
            // The first GET of the blob gets its head and 4 KB of its body, then nothing.
            let relay = try StallingRelay(upstreamPort: UInt16(simPort), marker: uri.path, stalls: 1, keepBytes: 4_096)
            defer { relay.close() }
            let http = try HTTPClient(configuration: HTTPClientConfiguration(lowSpeedTime: .seconds(2)))
            defer { http.shutdown() }
            let client = simulatedTenantClient(url: relay.url, http: http, tenant: tenantA, app: appA, secret: secretA,
                                               publisher: publisher, backoff: Backoff(base: .milliseconds(2), cap: .milliseconds(10), maxAttempts: 3))
            var relayed = uri
            relayed.port = Int(relay.port)
            let now = Date()
            let contentId = try #require(published["contentId"] as? String)
            let notice = BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: contentId,
                                    contentUri: try #require(relayed.string), contentCreated: now,
                                    contentExpiration: now.addingTimeInterval(86_400))
            let ledger = InMemoryLedger()
            let sink = RecordingSink("file")
            let processor = try await makeProcessor(ledger: ledger, fetcher: ManagementAPIBlobFetcher(clients: [client]), sinks: [sink], now: now)

            let first = try #require(try await recordAndLease(ledger, [notice], now: now).first)
            let outcome = try await firstResult(within: 90) { await processor.process(first) }
            #expect(relay.stalled == 1)
            guard case .retry(let retryAt, let reason)? = outcome else {
                Issue.record("the stalled attempt was not given up and retried: \(String(describing: outcome))")
                return
            }
            #expect(reason.contains("timeout"), "\(reason)")

            let second = try #require(try await ledger.lease(limit: 1, for: .seconds(300), now: retryAt.addingTimeInterval(1)).first)
            #expect(await processor.process(second) == .done)
            let served = try RecordSplitter.split(try await sim.rawBlob(BlobNotice(
                tenantId: tenantA, contentType: "Audit.General", contentId: notice.contentId,
                contentUri: contentUri, contentCreated: now, contentExpiration: notice.contentExpiration)))
            #expect(served.count == 400)
            // Records of the stalled attempt were never claimed (the window was not complete), so all arrive now.
            #expect(Set(sink.records) == Set(served.map(\.bytes)))
        }
    }
}
