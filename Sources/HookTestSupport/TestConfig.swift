import Foundation

/// Writes a small valid configuration listening on 127.0.0.1:0 into `directory` and returns its path.
public func writeTestConfig(in directory: URL, extraServer: String = "", authId: String = "test-auth-id-0123456789") throws -> String {
    let yaml = """
        server:
          listen: "127.0.0.1:0"
          path: /activity-webhook
          publicUrl: "http://127.0.0.1:1/activity-webhook"
          authId: "\(authId)"
        \(extraServer)
        state:
          path: ./state.sqlite
        api:
          # Tests never leave the machine: tokens are asked of a closed loopback port, so the watchdog and
          # the poller in `serve` fail fast instead of reaching for Microsoft's hosts.
          loginUrl: "http://127.0.0.1:9"
        tenants:
          - tenantId: "11111111-2222-3333-4444-555555555555"
            clientId: "66666666-7777-8888-9999-000000000000"
            clientSecret: "not-a-real-secret-value"
            contentTypes: [Audit.General, DLP.All]
        sinks:
          - name: archive
            type: file
            path: ./records.jsonl
        """
    let path = directory.appendingPathComponent("activityhook.yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}

/// Writes a config for one simulated tenant (`api.apiRoot` and `api.loginUrl` at the simulator, listening on
/// 127.0.0.1:0) into `directory` and returns its path. `sinks` are the YAML lines of the `sinks:` list (a file
/// sink `archive` by default); `extra` is appended as top-level YAML.
/// `listen`, `publicUrl` and `contentTypes` default to a receiver nobody calls, for Audit.General.
public func writeSimulatorConfig(in directory: URL, simURL: String, tenant: String, app: String, secret: String, publisher: String,
                                 sinks: String = "  - { name: archive, type: file, path: ./records.jsonl }",
                                 extra: String = "", listen: String = "127.0.0.1:0",
                                 publicUrl: String = "https://hook.example/activity-webhook",
                                 contentTypes: String = "[Audit.General]", apiExtra: String = "") throws -> String {
    let yaml = """
        server:
          listen: "\(listen)"
          path: /activity-webhook
          publicUrl: "\(publicUrl)"
          authId: "test-auth-id-0123456789"
        state:
          path: ./state.sqlite
        api:
          apiRoot: "\(simURL)"
          loginUrl: "\(simURL)"
          publisherId: "\(publisher)"
          \(apiExtra)
        tenants:
          - tenantId: "\(tenant)"
            clientId: "\(app)"
            clientSecret: "\(secret)"
            contentTypes: \(contentTypes)
        sinks:
        \(sinks)
        \(extra)
        """
    let path = directory.appendingPathComponent("activityhook.yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
