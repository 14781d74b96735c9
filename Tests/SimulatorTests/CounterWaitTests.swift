import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

/// `GET /_sim/wait`: the long poll tests use instead of polling the counters on a timer.
@Suite struct CounterWaitTests {
    @Test func answersWhenTheCounterIsReachedAndAfterTheTimeoutOtherwise() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                // Already reached: answers at once.
                let now = try await sim.control("GET", "wait?counter=tokensIssued&atLeast=0") as? [String: Any]
                #expect(now?["reached"] as? Bool == true)

                // Reached later: the waiter is parked until the third token is issued, then answered.
                async let waited = sim.control("GET", "wait?counter=tokensIssued&atLeast=3&timeoutSeconds=30")
                for _ in 0..<3 { _ = try await sim.token() }
                let answer = try await waited as? [String: Any]
                #expect(answer?["reached"] as? Bool == true)
                #expect(answer?["value"] as? Int == 3)

                // Never reached: false after the timeout, with the current value.
                let late = try await sim.control("GET", "wait?counter=tokensIssued&atLeast=100&timeoutSeconds=0.2") as? [String: Any]
                #expect(late?["reached"] as? Bool == false)
                #expect(late?["value"] as? Int == 3)

                // An unknown counter is a clear 400, not an endless wait.
                let bad = try await sim.request("GET", "/_sim/wait?counter=noSuchCounter&atLeast=1")
                #expect(bad.status == 400)
            }
        }
    }
}
