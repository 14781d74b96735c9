import Foundation
import HookConfig
import HookHTTPClient

extension HTTPClientConfiguration {
    /// The settings of a client that calls out of this machine (the API, Entra ID, the sinks): the CA file,
    /// and `api.proxy`/`api.noProxy`. Without `api.noProxy` the environment's `NO_PROXY` (or `no_proxy`)
    /// applies, as it does for curl's own environment proxy.
    public static func outbound(_ api: APIConfig, extraCAFile: String?,
                                environment: [String: String] = ProcessInfo.processInfo.environment) -> HTTPClientConfiguration {
        var configuration = HTTPClientConfiguration(extraCAFile: extraCAFile)
        configuration.proxy = api.proxy?.reveal()
        configuration.httpVersion = api.httpVersion == .http1_1 ? .http1_1 : .http2
        configuration.noProxy = api.noProxy ?? (api.proxy == nil ? nil : environment["NO_PROXY"] ?? environment["no_proxy"])
        return configuration
    }
}
