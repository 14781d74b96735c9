import Foundation
import HookTestSupport
import Testing

/// Writes a config that points `api.apiRoot`/`api.loginUrl` at the simulator and `server.publicUrl` at
/// `127.0.0.1:webhookPort`, for tenant A with the client secret.
func writeAPIConfig(in directory: URL, simURL: String, webhookPort: UInt16, contentTypes: String = "[Audit.General, Audit.Exchange]",
                    clientId: String = appA) throws -> String {
    try writeSimulatorConfig(in: directory, simURL: simURL, tenant: tenantA, app: clientId, secret: secretA, publisher: publisher,
                             listen: "127.0.0.1:\(webhookPort)", publicUrl: "http://127.0.0.1:\(webhookPort)/activity-webhook",
                             contentTypes: contentTypes)
}

/// The built `activityhook`, run to completion (see `runActivityhook`).
func activityhook(_ arguments: [String]) async throws -> (status: Int32, output: String) { try await runActivityhook(arguments) }

/// Runs `activityhook serve` with `config` (and `extra` arguments) until `body` returns, then stops it with
/// SIGTERM. The child's stderr (the logs) is merged into the stdout `body` can read.
/// Runs `body` with a built `serve` on `config`. By default the receiver alone (`--no-poller`, no watchdog, no
/// workers): these tests drive registration themselves and must not race serve's own /start calls.
func withServe<T>(config: String, extra: [String] = ["--no-poller", "--no-workers", "--watchdog-interval", "0"],
                  _ body: (ChildProcess) async throws -> T) async throws -> T {
    let serve = try ChildProcess(try TestBinaries.require("activityhook"),
                                 ["serve", "--config", config, "--log-format", "json"] + extra, stderrToStdout: true)
    let ready = await serve.waitForLine { $0.hasPrefix("activityhook ready") }
    try #require(ready != nil, "serve did not start")
    defer { serve.signal(SIGTERM) }
    let result = try await body(serve)
    serve.signal(SIGTERM)
    #expect(await serve.waitForExit() == 0)
    return result
}
