import Foundation
import HookForwarder
import HookLedger
import HookMetrics
import HookTestSupport
import Testing

/// A fetcher whose body sends a first chunk and then nothing, until cancelled (a stalled transfer that no
/// client limit ends).
struct StallingFetcher: BlobFetcher {
    func open(_ blob: LeasedBlob) async throws -> BlobChunks {
        let (stream, continuation) = AsyncStream.makeStream(of: [UInt8].self)
        continuation.yield(Array("[".utf8))
        return BlobChunks(stream, retaining: Holder(continuation))
    }

    /// Keeps the stream open (never finished) for as long as the body is read.
    final class Holder: Sendable {
        let continuation: AsyncStream<[UInt8]>.Continuation
        init(_ continuation: AsyncStream<[UInt8]>.Continuation) { self.continuation = continuation }
    }
}

/// Issue 12 item 2: a blob's lease is renewed only while its transfer makes progress.
@Suite struct LeaseProgressTests {
    @Test(.timeLimit(.minutes(1)))
    func anAttemptWithoutProgressIsGivenUpInsteadOfRenewingItsLeaseForever() async throws {
        let ledger = InMemoryLedger()
        let now = Date()
        let notice = BlobNotice(tenantId: "t", contentType: "Audit.General", contentId: "stalled",
                                contentUri: "https://example.invalid/stalled", contentCreated: now,
                                contentExpiration: now.addingTimeInterval(86_400))
        _ = try await ledger.record([notice], source: .webhook, at: now)
        let blob = try #require(try await ledger.lease(limit: 1, for: .seconds(300), now: now).first)
        // Every renewal tick comes at once: with renewals regardless of progress, the attempt would renew
        // for as many ticks as the clock gives and then wait forever on the stalled body.
        let clock = ScriptedClock(now, immediate: 3)
        let processor = try await makeProcessor(ledger: ledger, fetcher: StallingFetcher(), sinks: [RecordingSink("siem")],
                                                policy: ForwardingPolicy(leaseDuration: .seconds(300)), clock: clock)
        let outcome = try await firstResult(within: 30) { await processor.process(blob) }
        guard case .retry(_, let reason)? = outcome else {
            Issue.record("the stalled attempt was not given up: \(String(describing: outcome))")
            return
        }
        #expect(reason.contains("no body bytes arrived"), "\(reason)")
    }
}
