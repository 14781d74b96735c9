import Foundation
@testable import HookReceiver
import HookHTTPServer
import HookLedger
import HookTestSupport
import Logging

let tenantA = "11111111-2222-3333-4444-555555555555"
let authId = "s3cret-auth-id-0123456789abcdef"
/// "Now" for the receiver under test: an hour after the fixtures' `contentCreated`, so their dates stay plausible.
let fixtureNow = Date(timeIntervalSince1970: 1_795_935_600)  // 2026-11-29T07:00:00Z

/// A live receiver on 127.0.0.1:0 backed by `ledger`, with the API root of Microsoft's enterprise cloud.
func withReceiver<T: Sendable>(
    ledger: any Ledger, maxBodyBytes: Int = 1 << 20, connectionTimeout: Int = 30, summaryMaxAge: Duration = .zero,
    configure: (inout HTTPServerConfiguration) -> Void = { _ in },
    _ body: @Sendable (HTTPServer, ReceiverMetrics) async throws -> T
) async throws -> T {
    let metrics = ReceiverMetrics()
    let health = HealthEndpoint(ledger: ledger, maxAge: summaryMaxAge)
    health.set(ready: true)
    let endpoint = WebhookEndpoint(
        settings: .init(path: "/activity-webhook", authId: authId, maxBodyBytes: maxBodyBytes),
        ledger: ledger,
        validator: NotificationValidator(tenants: [tenantA: ["Audit.General", "DLP.All"]],
                                         uriPolicy: ContentURIPolicy(apiRoot: "https://manage.office.com")!, clock: { fixtureNow }),
        metrics: metrics, health: health, metricsEndpoint: MetricsEndpoint(metrics: metrics, ledger: ledger, maxAge: summaryMaxAge),
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    var configuration = HTTPServerConfiguration(connectionTimeoutSeconds: connectionTimeout)
    configure(&configuration)
    let server = try HTTPServer(
        configuration: configuration, handler: endpoint,
        logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await server.run(); return nil }
        defer { server.shutdown() }
        let result = try await body(server, metrics)
        server.shutdown()
        for try await _ in group {}
        return result
    }
}

/// One notification element; every field can be overridden or removed (nil).
func element(_ contentId: String = "20261129060000000000000000000000001$001", overrides: [String: String?] = [:]) -> String {
    var fields: [(String, String?)] = [
        ("tenantId", tenantA), ("clientId", "66666666-7777-8888-9999-000000000000"), ("contentType", "Audit.General"),
        ("contentId", contentId),
        ("contentUri", "https://manage.office.com/api/v1.0/\(tenantA)/activity/feed/audit/\(contentId)"),
        ("contentCreated", "2026-11-29T06:00:00.000Z"), ("contentExpiration", "2026-12-06T06:00:00.000Z"),
    ]
    for (key, value) in overrides {
        if let index = fields.firstIndex(where: { $0.0 == key }) { fields[index].1 = value } else { fields.append((key, value)) }
    }
    let members = fields.compactMap { key, value in value.map { "\"\(key)\":\"\($0)\"" } }
    return "{" + members.joined(separator: ",") + "}"
}

/// Sends a raw HTTP/1.1 request and returns the response status (nil if the connection closed without one).
func rawStatus(_ port: UInt16, method: String = "POST", path: String = "/activity-webhook",
               headers: [String] = ["Content-Type: application/json; utf-8", "Webhook-AuthID: \(authId)"],
               body: [UInt8] = []) async throws -> Int? {
    let socket = try RawSocket(port: port, readTimeout: 10)
    var head = "\(method) \(path) HTTP/1.1\r\nHost: receiver\r\nConnection: close\r\n"
    for header in headers { head += header + "\r\n" }
    if method != "GET" || !body.isEmpty { head += "Content-Length: \(body.count)\r\n" }
    head += "\r\n"
    socket.send(Array(head.utf8) + body)
    return await socket.readStatus()
}

/// Total blobs in the ledger, whatever their state.
func blobCount(_ ledger: any Ledger) async throws -> Int {
    try await ledger.summary(now: Date()).counts.reduce(0) { $0 + $1.count }
}
