import HookConfig
import HookEntraAuth
import HookRetry

/// Which Entra ID token the Logs Ingestion sink asks for (docs/sink-protocols.md, Logs Ingestion).
extension LogsIngestionTransport {
    /// The token audience of the endpoint's Azure cloud: `https://monitor.azure.us` or `.cn` when the endpoint's
    /// host is in that cloud, else by the M365 `cloud` (GCC High and DoD use Azure Government), else
    /// `https://monitor.azure.com`.
    public static func monitorResource(endpoint: String, cloud: Cloud) -> String {
        let host = Self.host(of: endpoint)
        if host.hasSuffix(".azure.us") { return "https://monitor.azure.us" }
        if host.hasSuffix(".azure.cn") { return "https://monitor.azure.cn" }
        if host.hasSuffix(".azure.com") { return "https://monitor.azure.com" }
        switch cloud {
        case .gccHigh, .dod: return "https://monitor.azure.us"
        case .enterprise, .gcc: return "https://monitor.azure.com"
        }
    }

    /// Token settings for a logs-ingestion sink: its own `credentials` (client secret) or, by default, the first
    /// tenant's app credential; the login host is `api.loginUrl` when set, else the monitor cloud's. Nil only when
    /// there is neither (the config loader requires at least one tenant). v2 endpoint, scope `{resource}/.default`.
    public static func tokenSettings(for sink: LogsIngestionSinkConfig, named name: String = "logs-ingestion",
                                     config: ActivityHookConfig) -> TokenProvider.Settings? {
        let resource = Self.monitorResource(endpoint: sink.endpoint, cloud: config.api.cloud)
        let loginURL = config.api.loginURL ?? Self.loginHost(monitorResource: resource)
        if let credentials = sink.credentials {
            return TokenProvider.Settings(tenantId: credentials.tenantId, clientId: credentials.clientId,
                                          credential: .clientSecret(credentials.clientSecret), loginURL: loginURL,
                                          endpoint: .v2, resource: resource, tenantKey: "sinks[\(name)].credentials")
        }
        guard let tenant = config.tenants.first else { return nil }
        return TokenProvider.Settings(tenantId: tenant.tenantId, clientId: tenant.clientId, credential: tenant.credential,
                                      loginURL: loginURL, endpoint: .v2, resource: resource, tenantKey: "tenants[0]")
    }

    /// The Entra ID host that issues tokens for a monitor audience.
    static func loginHost(monitorResource resource: String) -> String {
        switch resource {
        case "https://monitor.azure.us": "https://login.microsoftonline.us"
        case "https://monitor.azure.cn": "https://login.chinacloudapi.cn"
        default: "https://login.microsoftonline.com"
        }
    }

    private static func host(of url: String) -> String {
        var rest = Substring(url.lowercased())
        if let scheme = rest.range(of: "://") { rest = rest[scheme.upperBound...] }
        let authority = rest.prefix { $0 != "/" && $0 != "?" }
        return String(authority.split(separator: ":").first ?? "")
    }
}
