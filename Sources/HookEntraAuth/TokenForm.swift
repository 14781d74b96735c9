import Foundation
import HookConfig
import HookJSON

/// The token request body and response of the client-credentials grant (reference §1.2, §1.3).
package enum TokenForm {
    static let assertionType = "urn:ietf:params:oauth:client-assertion-type:jwt-bearer"

    /// `application/x-www-form-urlencoded` body for `settings`.
    static func body(_ settings: TokenProvider.Settings, serverNow: Date) throws -> String {
        var fields = [("grant_type", "client_credentials"), ("client_id", settings.clientId)]
        switch settings.endpoint {
        case .v2: fields.append(("scope", settings.resource + "/.default"))
        case .v1: fields.append(("resource", settings.resource))
        }
        switch settings.credential {
        case .clientSecret(let secret):
            fields.append(("client_secret", secret.reveal()))
        case .certificate(let certificate):
            let assertion = try ClientAssertion.make(credential: certificate, clientId: settings.clientId,
                                                     audience: settings.tokenURL, now: serverNow)
            fields.append(("client_assertion_type", assertionType))
            fields.append(("client_assertion", assertion))
        }
        return fields.map { "\($0.0)=\(formEncode($0.1))" }.joined(separator: "&")
    }

    /// Reads `access_token` and `expires_in` (an integer on v2, a string on v1).
    package static func parse(_ body: [UInt8], obtainedAt: Date, tenantKey: String) throws -> AccessToken {
        let value = try? JSONParser.parse(body, limits: .init(maxDepth: 8))
        guard let token = value?["access_token"]?.stringValue, !token.isEmpty else {
            throw TokenError(aadstsCode: nil, error: "invalid_response", message: "the token response has no access_token",
                             status: 200, tenantKey: tenantKey)
        }
        // Entra issues tokens for 60-90 minutes; a lifetime outside [1 min, 1 day] is not believed, so no
        // answer can schedule a refresh years away or in the past (docs/remote-input.md).
        let lifetime = TimeInterval(min(max(value?["expires_in"]?.int64Value ?? 3599, 60), 86_400))
        let expiresAt = obtainedAt.addingTimeInterval(lifetime)
        // Refresh at the latest 5 minutes before expiry, and never later than 45 minutes after issue
        // (Microsoft's own advice, reference §1.5).
        let refreshAt = min(expiresAt.addingTimeInterval(-300), obtainedAt.addingTimeInterval(45 * 60))
        return AccessToken(value: token, expiresAt: expiresAt, refreshAt: max(obtainedAt, refreshAt))
    }
}

/// Percent-encodes a form value: everything but RFC 3986 unreserved characters.
package func formEncode(_ text: String) -> String {
    var out = ""
    for byte in text.utf8 {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"):
            out.unicodeScalars.append(Unicode.Scalar(byte))
        default:
            out += String(format: "%%%02X", byte)
        }
    }
    return out
}
