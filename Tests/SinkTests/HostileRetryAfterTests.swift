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
    static let absurd = [
        "10000000000000000",                       // 1e16 s: × 1.1 × 1000 overflowed Int64
        "99999999999999999999999999999999999999",  // more digits than Int64 holds
        "Fri, 31 Dec 9999 23:59:59 GMT",           // the latest date RFC 9110 can write
        "Fri, 31 Dec 99999999999999999 23:59:59 GMT",
        "-5", "1e30", "NaN", "",
    ]

    @Test("each absurd Retry-After on a 429 is clamped to the policy's cap; the records are then delivered", .timeLimit(.minutes(1)))
    func absurdRetryAfterIsClampedAndTheRecordsAreDelivered() async throws {
        try await withTemporaryDirectory { _ in
            let http = try HTTPClient()
            defer { http.shutdown() }
            try await AlertWebhookFake.run { fake in
                let transport = AlertWebhookTransport(
                    name: "alerts", config: AlertWebhookSinkConfig(url: Secret(fake.url), format: .json, ratePerMinute: 1_000),
                    http: http, logger: TestRecords.logger)
                // A cap of 5 ms: any wait longer than that means the server's number was believed.
                let retry = SinkRetryPolicy(backoff: .init(base: .milliseconds(1), cap: .milliseconds(5), maxAttempts: 3),
                                            budget: .seconds(30))
                let sink = BatchingSink(name: "alerts", filter: .init(), transport: transport,
                                        configuration: BatchingSinkConfiguration(maxInFlight: 1, retry: retry),
                                        metrics: SinkMetrics(registry: MetricsRegistry(), sink: "alerts"), logger: TestRecords.logger)
                for (index, text) in Self.absurd.enumerated() {
                    fake.failNext(2, status: 429, retryAfter: text)
                    let before = fake.attempts
                    try await sink.deliver(try AlertWebhookTransportTests.batch(AlertWebhookTransportTests.mails(1, first: index)))
                    #expect(fake.attempts == before + 3, "two throttled posts then the accepted one (Retry-After: \(text))")
                }
                #expect(try fake.messages().count == Self.absurd.count)
                await sink.shutdown()
            }
        }
    }
}
