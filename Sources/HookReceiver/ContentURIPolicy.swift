import Foundation

/// Decides whether a notification's `contentUri` may be fetched with our bearer token.
///
/// A forged notification must never make us send the token elsewhere, so the URI must have exactly the
/// scheme, host and port of the tenant's API root, no user info, no fragment, and a path of the form
/// `/api/v1.0/{tenantId}/activity/feed/audit/{contentId}` (`/api/v1/` accepted too; the tenant GUID is
/// compared case-insensitively). A genuine element rejected here is not lost: the poller lists it later.
public struct ContentURIPolicy: Sendable {
    public let scheme: String
    public let host: String
    public let port: Int

    /// - Parameter apiRoot: e.g. `https://manage.office.com` or a simulator's `http://127.0.0.1:8900`.
    public init?(apiRoot: String) {
        guard let components = URLComponents(string: apiRoot), let scheme = components.scheme?.lowercased(),
              let host = components.host?.lowercased(), !host.isEmpty
        else { return nil }
        self.scheme = scheme
        self.host = host
        self.port = components.port ?? (scheme == "https" ? 443 : 80)
    }

    /// nil when acceptable, else the reason (a metric label).
    public func rejection(_ uri: String, tenantId: String) -> String? {
        guard uri.utf8.count <= 2048, let components = URLComponents(string: uri) else { return "uri_unparsable" }
        guard components.scheme?.lowercased() == self.scheme else { return "uri_scheme" }
        guard components.user == nil, components.password == nil else { return "uri_userinfo" }
        guard components.host?.lowercased() == self.host else { return "uri_host" }
        guard (components.port ?? (self.scheme == "https" ? 443 : 80)) == self.port else { return "uri_port" }
        guard components.fragment == nil else { return "uri_fragment" }
        let path = components.percentEncodedPath
        let tenant = tenantId.lowercased()
        let lowered = path.lowercased()
        let prefixes = ["/api/v1.0/\(tenant)/activity/feed/audit/", "/api/v1/\(tenant)/activity/feed/audit/"]
        guard let prefix = prefixes.first(where: { lowered.hasPrefix($0) }) else { return "uri_path" }
        let contentPart = lowered.dropFirst(prefix.count)
        guard !contentPart.isEmpty, !contentPart.contains("/"), !contentPart.contains(".."),
              !contentPart.contains("%2f"), !contentPart.contains("%5c"), !contentPart.contains("%2e"),
              !contentPart.contains("\\")
        else { return "uri_path" }
        return nil
    }
}
