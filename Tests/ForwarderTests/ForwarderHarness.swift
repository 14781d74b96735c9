import Foundation
import HookConfig
import HookForwarder
import HookHTTPClient
import HookLedger
import HookManagementAPI
import HookEntraAuth
import HookRetry
import HookMetrics
import HookSinks
import Logging
import SimulatorTestSupport
import Testing

let tenantA = "11111111-1111-1111-1111-111111111111"
let appA = "22222222-2222-2222-2222-222222222222"
let secretA = "s3cret-value"
let publisher = "99999999-9999-9999-9999-999999999999"
let quietLogger = Logger(label: "forwarder-test", factory: { _ in SwiftLogNoOpLogHandler() })

/// The in-process simulator with tenant A subscribed to Audit.General (no webhook: blobs are queued directly).
struct FwdSim: Sendable {
    let url: String
    let http: HTTPClient

    static func scenario(_ settings: String = "") -> String {
        """
        {"settings":{"startThrottleSeconds":0,"requireHTTPSWebhook":false,"duplicateRecordRate":0\(settings)},
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

    /// A Management API client for tenant A with fast retries (a few milliseconds, three attempts).
    func client() -> ManagementAPIClient {
        simulatedTenantClient(url: self.url, http: self.http, tenant: tenantA, app: appA, secret: secretA, publisher: publisher,
                              backoff: Backoff(base: .milliseconds(2), cap: .milliseconds(10), maxAttempts: 3))
    }

    /// The production fetcher over this simulator.
    func fetcher() -> ManagementAPIBlobFetcher { ManagementAPIBlobFetcher(clients: [self.client()]) }

    /// Publishes one blob per element of `blobs` with exactly those records; returns their notices.
    func publish(_ blobs: [[[String: Any]]]) async throws -> [BlobNotice] {
        let body = try JSONSerialization.data(withJSONObject: [
            "tenant": tenantA, "contentType": "Audit.General", "exactBlobs": blobs, "notify": false,
        ])
        let answer = try await self.control("POST", "publish", String(decoding: body, as: UTF8.self))
        let published = try #require(answer["published"] as? [[String: Any]])
        try #require(published.count == blobs.count, "the simulator dropped blobs: \(answer)")
        return try published.map { item in
            BlobNotice(tenantId: tenantA, contentType: "Audit.General", contentId: try #require(item["contentId"] as? String),
                       contentUri: try #require(item["contentUri"] as? String),
                       contentCreated: try #require(parseTime(item["contentCreated"])),
                       contentExpiration: try #require(parseTime(item["contentExpiration"])))
        }
    }

    /// The blob's body exactly as the simulator serves it.
    func rawBlob(_ notice: BlobNotice) async throws -> [UInt8] {
        // The response must outlive the body's collection: dropping it cancels the transfer.
        let response = try await self.client().streamBlob(notice.contentUri)
        let bytes = try await response.body.collect(upTo: 256 << 20)
        withExtendedLifetime(response) {}
        return bytes
    }
}

func parseTime(_ value: Any?) -> Date? {
    guard let text = value as? String else { return nil }
    let formatter = ISO8601DateFormatter()
    formatter.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
    return formatter.date(from: text) ?? ISO8601DateFormatter().date(from: text)
}

/// Runs `body` against a fresh in-process simulator with tenant A's Audit.General subscription started.
func withFwdSim<T: Sendable>(_ scenario: String = FwdSim.scenario(), _ body: @Sendable (FwdSim) async throws -> T) async throws -> T {
    try await withInProcessSimulator(scenario: scenario) { url, http in
        let sim = FwdSim(url: url, http: http)
        _ = try await sim.client().start("Audit.General", webhook: nil)
        return try await body(sim)
    }
}

/// One audit record as the simulator should serve it; `id: nil` leaves `Id` out.
func auditRecord(_ id: String?, type: Int = 1, workload: String = "Exchange", operation: String = "Send",
                 created: String = "2026-11-28T10:00:00") -> [String: Any] {
    var record: [String: Any] = ["CreationTime": created, "RecordType": type, "Workload": workload, "Operation": operation,
                                 "OrganizationId": tenantA, "UserId": "user@example.com"]
    if let id { record["Id"] = id }
    return record
}

/// A fresh GUID record Id.
func newId() -> String { UUID().uuidString.lowercased() }

/// A processor over `ledger` and `fetcher` with a clock frozen at `now` (lease renewal never fires).
func makeProcessor(ledger: any Ledger, fetcher: any BlobFetcher, sinks: [any Sink], registry: MetricsRegistry = MetricsRegistry(),
                   policy: ForwardingPolicy = ForwardingPolicy(), now: Date = Date(),
                   clock: (any WorkerClock)? = nil) async throws -> SpooledProcessor {
    let store = try await SharedTestSpools.spool(for: ledger)
    let processor = BlobProcessor(ledger: ledger, fetcher: fetcher, spool: store.spool, sinks: sinks, metrics: ForwarderMetrics(registry: registry),
                                  policy: policy, clock: clock ?? FrozenClock(now), logger: quietLogger)
    return try await SpooledProcessor(processor: processor, store: store, ledger: ledger, sinks: sinks)
}

/// Records `notices` and leases every due blob at `now`, in contentCreated order.
func recordAndLease(_ ledger: any Ledger, _ notices: [BlobNotice], now: Date = Date()) async throws -> [LeasedBlob] {
    _ = try await ledger.record(notices, source: .poll, at: now)
    return try await ledger.lease(limit: 100, for: .seconds(300), now: now)
}

/// The blob of `notice` among `leased`.
func leased(_ notice: BlobNotice, in leased: [LeasedBlob]) throws -> LeasedBlob {
    try #require(leased.first { $0.notice.contentId == notice.contentId })
}
