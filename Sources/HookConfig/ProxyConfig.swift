import Foundation

/// Reading `api.proxy` and `api.noProxy` (docs/proxies.md).
extension ConfigNode {
    /// A proxy URL (`http://host:port` or `https://host:port`, optionally `user:password@`). It is kept
    /// as a secret, because it may carry credentials, and never echoed. Credentials over plain `http://`
    /// to a host that is not loopback are refused: they would cross the network in clear.
    func proxyURL() -> Secret? {
        guard let secret = self.secret() else { return nil }
        let text = secret.reveal()
        guard case .success(let scheme) = ConfigValidation.checkURL(text), let components = URLComponents(string: text)
        else {
            self.error("expected a proxy URL such as http://proxy.example:3128")
            return nil
        }
        let hasCredentials = components.user != nil || components.password != nil
        if scheme == "http", hasCredentials, !ProxyRules.isLoopback(components.host ?? "") {
            self.error("a proxy URL with credentials must use https:// (or a loopback host): over http:// they cross the network in clear")
            return nil
        }
        return secret
    }
}

/// Host rules for the proxy settings.
public enum ProxyRules {
    /// `localhost`, 127.0.0.0/8 and ::1.
    public static func isLoopback(_ host: String) -> Bool {
        let bare = host.trimmingCharacters(in: CharacterSet(charactersIn: "[]")).lowercased()
        if bare == "localhost" || bare == "::1" { return true }
        let parts = bare.split(separator: ".", omittingEmptySubsequences: false)
        return parts.count == 4 && parts[0] == "127" && parts.allSatisfy { UInt8($0) != nil }
    }

    /// The hosts to reach without a proxy: `api.noProxy` if set, else `NO_PROXY` or `no_proxy` from
    /// `environment` (curl's syntax: comma-separated names, `.domain` suffixes, `*` for all).
    public static func noProxy(_ api: APIConfig, environment: [String: String]) -> String? {
        api.noProxy ?? environment["NO_PROXY"] ?? environment["no_proxy"]
    }
}
