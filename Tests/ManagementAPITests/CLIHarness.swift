import Foundation
import HookTestSupport
import Testing

/// A TCP port that was free a moment ago (bound to 0, read back, closed). Used where the webhook URL
/// must be in the config before `serve` starts; `serve` fails loudly if the port was taken meanwhile.
func freePort() throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw TestSupportError("bind failed") }
    return UInt16(bigEndian: address.sin_port)
}

/// Writes a config that points `api.apiRoot`/`api.loginUrl` at the simulator and `server.publicUrl` at
/// `127.0.0.1:webhookPort`, for tenant A with the client secret.
func writeAPIConfig(in directory: URL, simURL: String, webhookPort: UInt16, contentTypes: String = "[Audit.General, Audit.Exchange]",
                    clientId: String = appA) throws -> String {
    let yaml = """
        server:
          listen: "127.0.0.1:\(webhookPort)"
          path: /activity-webhook
          publicUrl: "http://127.0.0.1:\(webhookPort)/activity-webhook"
          authId: "test-auth-id-0123456789"
        state:
          path: ./state.sqlite
        api:
          apiRoot: "\(simURL)"
          loginUrl: "\(simURL)"
          publisherId: "\(publisher)"
        tenants:
          - tenantId: "\(tenantA)"
            clientId: "\(clientId)"
            clientSecret: "\(secretA)"
            contentTypes: \(contentTypes)
        sinks:
          - name: archive
            type: file
            path: ./records.jsonl
        """
    let path = directory.appendingPathComponent("activityhook.yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// The built `activityhook`, run to completion (see `runActivityhook`).
func activityhook(_ arguments: [String]) async throws -> (status: Int32, output: String) { try await runActivityhook(arguments) }

/// Runs `activityhook serve` with `config` (and `extra` arguments) until `body` returns, then stops it with
/// SIGTERM. The child's stderr (the logs) is merged into the stdout `body` can read.
func withServe<T>(config: String, extra: [String] = [], _ body: (ChildProcess) async throws -> T) async throws -> T {
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
