import HookHTTPClient
import HookHTTPServer
import HookSimulator
import Logging

/// Runs `body` against a fresh in-process simulator on 127.0.0.1:0 configured with `scenario` (the JSON
/// of `POST /_sim/configure`), with an HTTP client for it; stops both afterwards, also when `body` throws.
/// Shared by every test target that talks to Microsoft's side. With `tls` it serves HTTPS.
public func withInProcessSimulator<T: Sendable>(
    scenario: String, webhookTLS: WebhookClientTLS = WebhookClientTLS(), tls: HTTPServerConfiguration.TLS? = nil,
    _ body: @Sendable (_ url: String, _ http: HTTPClient) async throws -> T
) async throws -> T {
    let logger = Logger(label: "simulator", factory: { _ in SwiftLogNoOpLogHandler() })
    let app = try SimulatorApp(webhookTLS: webhookTLS, logger: logger)
    try app.configure(json: Array(scenario.utf8))
    var serverConfiguration = HTTPServerConfiguration()
    serverConfiguration.tls = tls
    let server = try HTTPServer(configuration: serverConfiguration, handler: app.handler, logger: logger)
    app.bind(host: "127.0.0.1", port: server.port, tls: tls != nil)
    let http = try HTTPClient(configuration: HTTPClientConfiguration(timeout: .seconds(60), extraCAFile: webhookTLS.caFile))
    defer {
        http.shutdown()
        app.shutdown()
    }
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        for service in app.services { group.addTask { try await service.run() } }
        defer {
            server.shutdown()
            group.cancelAll()
        }
        return try await body(app.baseURL, http)
    }
}

/// Waits until the simulator at `url` reports its counter `counter` at `atLeast` or more, through the
/// `/_sim/wait` long poll (a readiness signal, not a timer); false after `seconds`.
public func waitForSimulatorCounter(url: String, http: HTTPClient, _ counter: String, atLeast: Int, within seconds: Int = 60) async throws -> Bool {
    let response = try await http.execute(HTTPClientRequest(
        url: "\(url)/_sim/wait?counter=\(counter)&atLeast=\(atLeast)&timeoutSeconds=\(seconds)"))
    return response.status == 200 && String(decoding: response.body, as: UTF8.self).contains(#""reached":true"#)
}
