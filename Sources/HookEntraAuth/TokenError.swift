import HookJSON

/// Entra ID refused to issue a token: the AADSTS code, Microsoft's text and a hint for the operator.
public struct TokenError: Error, CustomStringConvertible, Sendable {
    /// The first `error_codes` entry (e.g. 7000215), or nil when the answer was not Entra's error shape.
    public let aadstsCode: Int?
    /// The OAuth `error` (`invalid_client`, `invalid_scope`…), or a transport description.
    public let error: String
    /// The first line of `error_description`.
    public let message: String
    /// The HTTP status (0 when no response arrived).
    public let status: Int
    /// Where in the config to look: `tenants[i]` is the tenant's index when known.
    public let tenantKey: String

    /// Creates an error.
    public init(aadstsCode: Int?, error: String, message: String, status: Int, tenantKey: String) {
        self.aadstsCode = aadstsCode
        self.error = error
        self.message = message
        self.status = status
        self.tenantKey = tenantKey
    }

    /// Decodes Entra's error body (reference §1.3): `error`, `error_description`, `error_codes`.
    package init(status: Int, body: [UInt8], tenantKey: String) {
        let value = try? JSONParser.parse(body, limits: .init(maxDepth: 8))
        let description = value?["error_description"]?.stringValue ?? String(decoding: body.prefix(200), as: UTF8.self)
        let firstLine = description.split(whereSeparator: { $0 == "\r" || $0 == "\n" }).first.map(String.init) ?? ""
        var code = value?["error_codes"]?.arrayValue?.first?.int64Value.map { Int($0) }
        if code == nil, firstLine.hasPrefix("AADSTS") {
            code = Int(firstLine.dropFirst(6).prefix { $0.isNumber })
        }
        self.init(aadstsCode: code, error: value?["error"]?.stringValue ?? "http_\(status)", message: firstLine,
                  status: status, tenantKey: tenantKey)
    }

    /// True when retrying later may help (Entra's own 5xx and throttling, not credential problems).
    public var isTransient: Bool { self.status == 0 || self.status == 429 || self.status >= 500 }

    /// A human hint for the common AADSTS codes.
    public var hint: String? {
        switch self.aadstsCode {
        case 7_000_215: "invalid client secret: check \(self.tenantKey).clientSecret"
        case 7_000_222: "the client secret has expired: create a new one and update \(self.tenantKey).clientSecret"
        case 700_016: "application not found in the tenant: check \(self.tenantKey).clientId and admin consent"
        case 700_027, 700_023: "the certificate assertion was refused: upload \(self.tenantKey).certificate to the app registration"
        case 700_024: "the assertion is outside its valid time range: check this machine's clock"
        case 90002, 90033: "tenant not found: check \(self.tenantKey).tenantId and api.cloud"
        case 70011, 1_002_012: "invalid scope: check api.cloud (the token resource)"
        case 7_000_218: "no credential sent: set \(self.tenantKey).clientSecret or certificate"
        case 500_011: "the resource is not in the tenant: check api.cloud and admin consent"
        default: nil
        }
    }

    public var description: String {
        var text = self.message.isEmpty ? "token request failed: \(self.error) (HTTP \(self.status))"
                                        : "token request failed: \(self.message)"
        if let hint { text += "; hint: \(hint)" }
        return text
    }
}
