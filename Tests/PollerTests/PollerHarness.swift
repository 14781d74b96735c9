import Foundation
import HookConfig
import HookHTTPClient
import HookHTTPServer
import HookLedger
import HookManagementAPI
import HookEntraAuth
import HookRetry
import HookSimulator
import HookTestSupport
import SimulatorTestSupport
import Logging
import Synchronization
import HookPoller
import Testing

let tenantA = "11111111-1111-1111-1111-111111111111"
let appA = "22222222-2222-2222-2222-222222222222"
let secretA = "s3cret-value"
let publisher = "99999999-9999-9999-9999-999999999999"
let quietLogger = Logger(label: "poller-test", factory: { _ in SwiftLogNoOpLogHandler() })

/// A simulator running in this process on 127.0.0.1:0, and an HTTP client for it.
struct PollSim: Sendable {
    let url: String
    let http: HTTPClient

    static func scenario(settings: String = "") -> String {
        """
        {"settings":{"startThrottleSeconds":0,"requireHTTPSWebhook":false,"retryBaseSeconds":0.01,"retryMaxSeconds":0.05\(settings)},
         "tenants":[{"id":"\(tenantA)","apps":[{"clientId":"\(appA)","secret":"\(secretA)"}]}]}
        """
    }

    /// Calls the `/_sim/…` control API and returns the decoded JSON.
    @discardableResult
    func control(_ method: String, _ name: String, _ json: String = "{}") async throws -> [String: Any] {
        let answer = try await simulatorControl(url: self.url, http: self.http, method, name, json)
        #expect(answer.status == 200, "control \(name): \(answer.body)")
        return answer.object
    }

    func counter(_ name: String) async throws -> Int { try await self.control("GET", "counters")[name] as? Int ?? -1 }

    /// Waits (a long poll on `/_sim/wait`, not a timer) until the simulator's `counter` reaches `atLeast`.
    func waitFor(_ counter: String, atLeast: Int, within seconds: Int = 60) async throws {
        let reached = try await waitForSimulatorCounter(url: self.url, http: self.http, counter, atLeast: atLeast, within: seconds)
        try #require(reached, "\(counter) stayed below \(atLeast) for \(seconds) s")
    }

    /// A Management API client for `tenant` (tenant A by default) with fast retries.
    func client(tenant: String = tenantA, app: String = appA, budget: RequestBudget = RequestBudget()) -> ManagementAPIClient {
        simulatedTenantClient(url: self.url, http: self.http, tenant: tenant, app: app, secret: secretA, publisher: publisher,
                              backoff: Backoff(base: .milliseconds(5), cap: .milliseconds(20)), budget: budget)
    }

    /// Publishes `blobs` one-record blobs, notified (subject to `neverNotifyRate`) or not.
    /// Publishes `blobs` blobs, made available `ageSeconds` ago (default: now).
    func publish(_ contentType: String = "Audit.General", blobs: Int, notify: Bool = false, ageSeconds: Int = 0) async throws {
        try await self.control("POST", "publish", #"""
            {"tenant":"\#(tenantA)","contentType":"\#(contentType)","blobs":\#(blobs),"recordsPerBlob":1,"notify":\#(notify),"ageSeconds":\#(ageSeconds)}
            """#)
    }
}

/// Runs `body` against a fresh in-process simulator configured with `scenario`.
func withPollSim<T: Sendable>(_ scenario: String = PollSim.scenario(), _ body: @Sendable (PollSim) async throws -> T) async throws -> T {
    try await withInProcessSimulator(scenario: scenario) { url, http in try await body(PollSim(url: url, http: http)) }
}

/// A webhook standing in for the receiver: records every notified blob in the ledger as `.webhook` and
/// reports each committed batch's size, so tests wait for notifications instead of sleeping.
final class LedgerWebhook: HTTPHandler, Sendable {
    let ledger: any Ledger
    let committed: AsyncStream<Int>
    private let continuation: AsyncStream<Int>.Continuation

    init(ledger: any Ledger) {
        self.ledger = ledger
        (self.committed, self.continuation) = AsyncStream.makeStream(of: Int.self)
    }

    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision { .readBody(maxBodyBytes: 1 << 20) }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        // The validation handshake is an object; notifications are arrays.
        guard let items = (try? JSONSerialization.jsonObject(with: Data(request.body))) as? [[String: Any]] else {
            return .response(HTTPResponse(status: 200))
        }
        let notices = items.compactMap { item -> BlobNotice? in
            guard let id = item["contentId"] as? String, let uri = item["contentUri"] as? String,
                  let type = item["contentType"] as? String else { return nil }
            return BlobNotice(tenantId: tenantA, contentType: type, contentId: id, contentUri: uri,
                              contentCreated: Date(), contentExpiration: Date().addingTimeInterval(7 * 86_400))
        }
        let continuation = self.continuation
        self.ledger.record(notices, source: .webhook, at: Date()) { result in
            if case .success = result { continuation.yield(notices.count) }
        }
        return .response(HTTPResponse(status: 200))
    }

    /// Waits until `count` notified blobs were committed, failing after `seconds` (a timeout, not a sync sleep).
    func waitForCommitted(_ count: Int, within seconds: Double = 30) async throws {
        let stream = self.committed
        let reached = try await firstResult(within: seconds) {
            var total = 0
            for await batch in stream {
                total += batch
                if total >= count { return true }
            }
            return false
        }
        try #require(reached == true, "fewer than \(count) notified blobs reached the ledger within \(seconds) s")
    }
}

/// Runs `body` with `handler` served on 127.0.0.1:0; passes the webhook URL.
func withWebhook<T: Sendable>(_ handler: LedgerWebhook, _ body: @Sendable (String) async throws -> T) async throws -> T {
    let server = try HTTPServer(configuration: HTTPServerConfiguration(), handler: handler, logger: quietLogger)
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        defer { server.shutdown() }
        return try await body("http://127.0.0.1:\(server.port)/hook")
    }
}

/// A poll clock that never sleeps: `sleep(until:)` jumps its time forward, recording each deadline.
final class JumpingClock: PollClock {
    private let state: Mutex<(now: Date, sleeps: [Date])>

    init(start: Date = Date()) { self.state = Mutex((start, [])) }

    func now() -> Date { self.state.withLock { $0.now } }

    func sleep(until deadline: Date) async throws {
        try Task.checkCancellation()
        self.state.withLock { state in
            state.sleeps.append(deadline)
            state.now = max(state.now, deadline)
        }
    }

    var sleeps: [Date] { self.state.withLock { $0.sleeps } }
}
