import HookConfig
import HookHTTPClient

extension HTTPClientConfiguration {
    /// The configuration of a client for outbound calls (API, login, sinks): `extraCAFile` trusted, and
    /// `api.proxy` / `api.noProxy` (else `NO_PROXY`/`no_proxy` from `environment`) applied. Without
    /// `api.proxy`, curl still honours `https_proxy` from the environment. docs/proxies.md.
    public static func outbound(_ api: APIConfig, extraCAFile: String?,
                                environment: [String: String]) -> HTTPClientConfiguration {
        var configuration = HTTPClientConfiguration(extraCAFile: extraCAFile)
        configuration.proxy = api.proxy?.reveal()
        // Always set, so the `environment` given is the only source (curl would read the process's own).
        configuration.noProxy = ProxyRules.noProxy(api, environment: environment) ?? ""
        return configuration
    }
}
