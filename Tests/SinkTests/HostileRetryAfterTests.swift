import HookConfig
import HookHTTPClient
import HookMetrics
import HookRecords
import HookSinks
import HookTestSupport
import SinkFakes
import Testing

/// A destination that asks for absurd waits must not trap the process (issue 12 item 1): before the waits
/// were clamped and the arithmetic saturated, `Retry-After: 10000000000000000` overflowed Int64 in the
/// back-off and killed `serve` (and, the blob being leased again after the restart, killed it again).
@Suite("Hostile Retry-After from a sink")
struct HostileRetryAfterTests {
    /// Absurd `Retry-After` texts, and the wait each must come to: a day at most (then the records go back
    /// to the forwarder with it, because it exceeds the retry budget) or nil (unreadable: back-off applies).
    static let absurd: [(text: String, wait: Duration?)] = [
        ("10000000000000000", .seconds(86_400)),                      // 1e16 s: × 1.1 × 1000 overflowed Int64
        ("99999999999999999999999999999999999999", .seconds(86_400)), // more digits than Int64 holds
        ("Fri, 31 Dec 9999 23:59:59 GMT", .seconds(86_400)),          // the latest date RFC 9110 can write
        ("Fri, 31 Dec 99999999999999999 23:59:59 GMT", nil),
        ("-5", nil), ("1e30", nil), ("NaN", nil), ("", nil),
    ]

    @Test("each absurd Retry-After on a 429 is clamped to a day and never slept through; unreadable ones fall back to back-off", .timeLimit(.minutes(1)))
    func absurdRetryAfterIsClampedAndTheRecordsAreDelivered() async throws {
        try await withTemporaryDirectory { _ in
            let http = try HTTPClient()
            defer { http.shutdown() }
            try await AlertWebhookFake.run { fake in
                let transport = AlertWebhookTransport(
                    name: "alerts", config: AlertWebhookSinkConfig(url: Secret(fake.url), format: .json, ratePerMinute: 1_000),
                    http: http, logger: TestRecords.logger)
                let retry = SinkRetryPolicy(backoff: .init(base: .milliseconds(1), cap: .milliseconds(5), maxAttempts: 3),
                                            budget: .seconds(30))
                let sink = BatchingSink(name: "alerts", filter: .init(), transport: transport,
                                        configuration: BatchingSinkConfiguration(maxInFlight: 1, retry: retry),
                                        metrics: SinkMetrics(registry: MetricsRegistry(), sink: "alerts"), logger: TestRecords.logger)
                var delivered = 0
                for (index, absurd) in Self.absurd.enumerated() {
                    fake.failNext(2, status: 429, retryAfter: absurd.text)
                    let before = fake.attempts
                    let batch = try AlertWebhookTransportTests.batch(AlertWebhookTransportTests.mails(1, first: index))
                    if let wait = absurd.wait {
                        // Longer than the 30 s budget: not slept through; handed back with the clamped wait.
                        let error = await #expect(throws: SinkError.self) { try await sink.deliver(batch) }
                        #expect(error?.kind == .transient && error?.retryAfter == wait, "Retry-After: \(absurd.text)")
                        #expect(fake.attempts == before + 1)
                        fake.failNext(0, status: 429, retryAfter: nil)
                    } else {
                        try await sink.deliver(batch)
                        #expect(fake.attempts == before + 3, "two throttled posts then the accepted one (Retry-After: \(absurd.text))")
                        delivered += 1
                    }
                }
                #expect(try fake.messages().count == delivered)
                await sink.shutdown()
            }
        }
    }
}
