/// The Microsoft 365 cloud a tenant lives in; it fixes the Management API root and the Entra ID login host.
///
/// The API root is also the token resource (v1) and the scope prefix (v2: root + `/.default`).
/// Mapping from the Management Activity API reference, "Endpoints per cloud".
public enum Cloud: String, Sendable, CaseIterable {
    /// Enterprise / commercial plans.
    case enterprise
    /// Government Community Cloud (moderate); uses the public Entra ID login host.
    case gcc
    /// GCC High; uses Entra ID for US Government.
    case gccHigh = "gcc-high"
    /// Department of Defense; uses Entra ID for US Government.
    case dod

    /// Base URL of the Management Activity API (no trailing slash), and the token resource.
    public var apiRoot: String {
        switch self {
        case .enterprise: "https://manage.office.com"
        case .gcc: "https://manage-gcc.office.com"
        case .gccHigh: "https://manage.office365.us"
        case .dod: "https://manage.protection.apps.mil"
        }
    }

    /// The API root's host name, e.g. `manage.office.com`: also the name on the client certificate Microsoft
    /// presents to webhooks (docs/mtls.md).
    public var apiHost: String { String(self.apiRoot.dropFirst("https://".count)) }

    /// Base URL of the Entra ID login host (no trailing slash) that issues tokens for ``apiRoot``.
    public var loginHost: String {
        switch self {
        case .enterprise, .gcc: "https://login.microsoftonline.com"
        case .gccHigh, .dod: "https://login.microsoftonline.us"
        }
    }

    /// Parses a config value case-insensitively (`enterprise`, `gcc`, `gcc-high`, `dod`).
    public init?(configValue: String) {
        guard let cloud = Cloud(rawValue: configValue.lowercased()) else { return nil }
        self = cloud
    }
}

/// Which Entra ID token endpoint the API client uses.
public enum TokenEndpoint: String, Sendable, CaseIterable {
    /// `oauth2/v2.0/token` with `scope={apiRoot}/.default` (the default).
    case v2
    /// `oauth2/token` with `resource={apiRoot}` (the older endpoint some deployments still use).
    case v1
}
