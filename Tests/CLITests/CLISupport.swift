import Foundation
import HookHTTPClient
import HookTestSupport

/// Runs the built `activityhook` binary to completion and returns (status, stdout, stderr). The child
/// is waited for on a thread of its own, never on the cooperative pool.
func runCLI(_ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, out: String, err: String) {
    let executable = try TestBinaries.require("activityhook")
    return try await onOwnThread {
        let result = try Spawn.run(executable.path, arguments, environment: environment)
        return (result.status, String(decoding: result.stdout, as: UTF8.self), String(decoding: result.stderr, as: UTF8.self))
    }
}

/// A minimal lock-protected box for the reader thread above.
final class Mutexed<T>: @unchecked Sendable {
    // Invariant: `value` is only accessed under `lock`.
    private let lock = NSLock()
    private var stored: T
    init(_ value: T) { self.stored = value }
    func set(_ value: T) { self.lock.withLock { self.stored = value } }
    var value: T { self.lock.withLock { self.stored } }
}

/// The repository root, found from this source file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// POSTs one notification for `contentId` (tenant 11111111-…, the test config's auth id) to `base`'s webhook.
func postNotification(_ client: HTTPClient, base: String, contentId: String) async throws -> HTTPClientResponse {
    let tenant = "11111111-2222-3333-4444-555555555555"
    let dates = NoticeDates.current()
    let body = #"[{"tenantId":"\#(tenant)","clientId":"c","contentType":"Audit.General","contentId":"\#(contentId)","#
        + #""contentUri":"https://manage.office.com/api/v1.0/\#(tenant)/activity/feed/audit/\#(contentId)","#
        + #""contentCreated":"\#(dates.created)","contentExpiration":"\#(dates.expiration)"}]"#
    return try await client.execute(HTTPClientRequest(
        method: "POST", url: "\(base)/activity-webhook",
        headers: ["Content-Type": "application/json; utf-8", "Webhook-AuthID": "test-auth-id-0123456789"], body: Array(body.utf8)))
}
