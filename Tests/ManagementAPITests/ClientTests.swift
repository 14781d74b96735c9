import Foundation
import HookConfig
import HookHTTPClient
@testable import HookManagementAPI
@testable import HookEntraAuth
import HookRetry
import HookTestSupport
import Testing

/// Issue 5 §3–4 against the simulator: subscriptions, pagination, throttling, faults, clock skew.
@Suite struct ClientTests {
    @Test func startListStopAndAlreadyEnabled() async throws {
        try await withTemporaryDirectory { _ in
            try await withSim { sim in
                let client = sim.client()
                let hook = WebhookInfo(address: "http://127.0.0.1:9/none", authId: nil)
                // No webhook: no validation POST.
                guard case .started(let first) = try await client.start("Audit.General", webhook: nil) else {
                    Issue.record("expected a start")
                    return
                }
                #expect(first.status == "enabled")
                #expect(try await client.start("Audit.General", webhook: nil) == .alreadyEnabled)
                let listed = try await client.list()
                #expect(listed.map(\.contentType) == ["Audit.General"])
                #expect(listed.first?.webhook == nil)
                try await client.stop("Audit.General")
                #expect(try await client.list().first?.status ?? "disabled" == "disabled")
                // Content of a stopped subscription: AF20023, which means "resubscribe".
                let error = try await #require(throws: ManagementAPIError.self) { try await client.content("Audit.General") }
                #expect(error.code == "AF20023" || error.code == "AF20022")
                #expect(error.errorClass == .resubscribe)
                // A webhook that does not answer: AF20021 with the serve hint.
                let failed = try await #require(throws: ManagementAPIError.self) { try await client.start("Audit.Exchange", webhook: hook) }
                #expect(failed.code == "AF20021")
                #expect(failed.errorClass == .fatal)
                #expect(failed.description.contains("activityhook serve"))
            }
        }
    }

    @Test func sixtyPageListingKeepsPublisherIdentifier() async throws {
        try await withTemporaryDirectory { _ in
            try await withSim(SimEnv.scenario(settings: #","pageSize":5"#)) { sim in
                let client = sim.client()
                _ = try await client.start("Audit.SharePoint", webhook: nil)
                try await sim.publish("Audit.SharePoint", blobs: 300)
                let listing = try await client.content("Audit.SharePoint")
                #expect(listing.pages == 60)
                #expect(listing.blobs.count == 300)
                #expect(Set(listing.blobs.map(\.contentId)).count == 300)
                // The follow-ups and blob URIs carry PublisherIdentifier.
                #expect(client.withPublisher("http://h/x?nextPage=1").hasSuffix("&PublisherIdentifier=\(publisher)"))
                #expect(client.withPublisher("http://h/x?publisheridentifier=abc") == "http://h/x?publisheridentifier=abc")
                #expect(client.withPublisher("http://h/x") == "http://h/x?PublisherIdentifier=\(publisher)")
                // Blob GET, streamed.
                let blob = try #require(listing.blobs.first)
                let response = try await client.streamBlob(blob.contentURI)
                let body = try await response.body.collect(upTo: 1 << 20)
                #expect(body.first == UInt8(ascii: "["))
                // A content URI outside the API root is refused before any request.
                let foreign = try await #require(throws: ManagementAPIError.self) {
                    _ = try await client.streamBlob("https://evil.example/api/v1.0/\(tenantA)/activity/feed/audit/x")
                }
                #expect(foreign.errorClass == .fatal)
                // An unknown blob: skip.
                let missing = try await #require(throws: ManagementAPIError.self) {
                    _ = try await client.streamBlob(blob.contentURI + "nope")
                }
                #expect(missing.errorClass == .skip)
            }
        }
    }

    @Test func af429BurstsLoseNoPage() async throws {
        try await withTemporaryDirectory { _ in
            // 4 requests per 3 s window: the start and 12 pages cannot fit in one window unless the machine manages
            // fewer than 1.4 requests a second, so the client meets AF429 and must keep retrying the same page
            // until the window refills.
            try await withSim(SimEnv.scenario(settings: #","pageSize":10,"tenantBudgetPerMinute":4,"throttleWindowSeconds":3"#)) { sim in
                let client = sim.client(backoff: Backoff(base: .milliseconds(20), cap: .milliseconds(100), maxAttempts: 400))
                _ = try await client.start("Audit.Exchange", webhook: nil)
                try await sim.publish("Audit.Exchange", blobs: 120)
                let listing = try await client.content("Audit.Exchange")
                #expect(listing.pages == 12)
                #expect(listing.blobs.count == 120)
                #expect(Set(listing.blobs.map(\.contentId)).count == 120)
                #expect(try await sim.counter("throttled") > 0)
            }
        }
    }

    @Test func transientFaultsAreRetried() async throws {
        try await withTemporaryDirectory { _ in
            try await withSim(SimEnv.scenario(settings: #","pageSize":10"#)) { sim in
                let client = sim.client()
                _ = try await client.start("Audit.General", webhook: nil)
                try await sim.publish("Audit.General", blobs: 50)
                try await sim.control("POST", "faults", """
                    {"faults":[{"endpoint":"content","kind":"af50000","count":2},{"endpoint":"content","kind":"5xx","status":503,"count":2},
                               {"endpoint":"content","kind":"reset","count":1},{"endpoint":"content","kind":"truncated","count":1},
                               {"endpoint":"content","kind":"throttle","retryAfterSeconds":0,"count":2}]}
                    """)
                let listing = try await client.content("Audit.General")
                #expect(listing.blobs.count == 50)
                #expect(Set(listing.blobs.map(\.contentId)).count == 50)
                // Retries give up after maxAttempts with the last error.
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"list","kind":"af50000"}]}"#)
                let limited = sim.client(backoff: Backoff(base: .milliseconds(1), cap: .milliseconds(2), maxAttempts: 3))
                let error = try await #require(throws: ManagementAPIError.self) { try await limited.list() }
                #expect(error.code == "AF50000")
                #expect(error.errorClass == .retry)
            }
        }
    }

    @Test func budgetHoldsCallersInsideTheWindow() async throws {
        let budget = RequestBudget(perMinute: 5, window: .milliseconds(300))
        let clock = ContinuousClock()
        let started = clock.now
        try await withThrowingTaskGroup(of: Void.self) { group in
            for _ in 0..<12 { group.addTask { try await budget.acquire() } }
            try await group.waitForAll()
        }
        // 12 requests at 5 per window need at least two full windows.
        #expect(clock.now - started >= .milliseconds(600))
        #expect(await budget.waits >= 7)
    }

    @Test func tenMinuteClockSkewMovesTheWindow() async throws {
        try await withTemporaryDirectory { _ in
            try await withSim(SimEnv.scenario(settings: #","pageSize":100"#)) { sim in
                // Microsoft's clock is 10 minutes ahead of ours: its Date header says so.
                try await sim.control("POST", "clock", #"{"advanceSeconds":600}"#)
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"*","kind":"dateSkew","skewSeconds":0}]}"#)
                let client = sim.client()
                _ = try await client.start("Audit.General", webhook: nil)
                try await sim.publish("Audit.General", blobs: 3)
                #expect(abs(client.skew.seconds - 600) < 10)
                // A window ending at our "now" misses content Microsoft made in its last ten minutes…
                let local = Date()
                let naive = try await client.content("Audit.General", start: local.addingTimeInterval(-3600), end: local)
                #expect(naive.blobs.isEmpty)
                // …the skew-corrected window finds it.
                let server = client.skew.serverNow()
                let corrected = try await client.content("Audit.General", start: server.addingTimeInterval(-3600),
                                                         end: server.addingTimeInterval(1))
                #expect(corrected.blobs.count == 3)
            }
        }
    }
}
