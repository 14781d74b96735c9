import HookManagementAPI
import HookTestSupport
import Testing

/// A `NextPageUri` that leads back to a page already listed ends the listing with an error instead of
/// listing forever (issue 12, item 9).
@Suite struct ListingCycleTests {
    @Test("content: a NextPageUri back to the first page ends the listing with a retryable error", .timeLimit(.minutes(1)))
    func contentCycleEnds() async throws {
        try await withTemporaryDirectory { _ in
            try await withSim(SimEnv.scenario(settings: #","pageSize":5"#)) { sim in
                let client = sim.client()
                _ = try await client.start("Audit.General", webhook: nil)
                try await sim.publish("Audit.General", blobs: 20)
                _ = try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"content","kind":"pageCycle"}]}"#)
                let error = try await #require(throws: ManagementAPIError.self) { _ = try await client.content("Audit.General") }
                #expect(error.errorClass == .retry)
                #expect(error.message.contains("repeats a page already listed"))
                // Without the fault the same window lists whole.
                _ = try await sim.control("DELETE", "faults")
                let listing = try await client.content("Audit.General")
                #expect(listing.blobs.count == 20 && listing.pages == 4)
            }
        }
    }
}
