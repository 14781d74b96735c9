import Foundation
import HookCrypto

/// An Entra ID error in the AADSTS shape (§1.3): HTTP 400 or 401 with `error`, `error_description`,
/// `error_codes`, `timestamp`, `trace_id` and `correlation_id`.
struct TokenError: Error, Sendable {
    var status: Int
    var error: String
    var code: Int
    var text: String

    func response(now: Date, random: inout SimRandom) -> JSONOutput {
        let trace = random.guid()
        let correlation = random.guid()
        let stamp = SimTime.creationTime(now) + "Z"
        return .object([
            ("error", .string(self.error)),
            ("error_description", .string("AADSTS\(self.code): \(self.text)\r\nTrace ID: \(trace)\r\nCorrelation ID: \(correlation)\r\nTimestamp: \(stamp)")),
            ("error_codes", .array([.number(self.code)])),
            ("timestamp", .string(stamp)),
            ("trace_id", .string(trace)),
            ("correlation_id", .string(correlation)),
            ("error_uri", .string("https://login.microsoftonline.com/error?code=\(self.code)")),
        ])
    }

    static func malformed(_ why: String) -> TokenError {
        TokenError(status: 401, error: "invalid_client", code: 50027, text: "JWT token is invalid or malformed. \(why)")
    }
}

/// Checks a certificate `client_assertion` (§1.4) against an app's registered certificates.
///
/// Both forms are accepted: RS256 with `x5t` (base64url SHA-1 thumbprint, the legacy page) and
/// PS256 with `x5t#S256` (base64url SHA-256 thumbprint, the current page). The algorithm must
/// match the thumbprint kind (harsher: Entra may be laxer).
struct ClientAssertionVerifier {
    /// Audiences accepted: the token endpoint URLs of the tenant on the public and government hosts,
    /// both versions, plus the simulator's own token URLs.
    var audiences: Set<String>
    var clientId: String
    var certificates: [Certificate]
    var now: Date

    /// Returns the assertion's `jti` and `exp` when valid (the caller refuses replays).
    func verify(_ assertion: String) throws(TokenError) -> (jti: String, expires: Date) {
        let parts = assertion.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let headerBytes = Base64.urlDecode(String(parts[0])), let header = JSONInput.object(headerBytes),
              let payloadBytes = Base64.urlDecode(String(parts[1])), let payload = JSONInput.object(payloadBytes),
              let signature = Base64.urlDecode(String(parts[2]))
        else { throw .malformed("The assertion is not a signed JWT.") }

        let algorithm: SignatureAlgorithm
        let certificate: Certificate?
        switch header.string("alg") {
        case "RS256":
            guard let x5t = header.string("x5t") else { throw .malformed("RS256 needs an x5t header.") }
            algorithm = .rs256
            certificate = self.certificates.first { Base64.urlEncode($0.sha1Thumbprint) == x5t }
        case "PS256":
            guard let x5t = header.string("x5t#S256") else { throw .malformed("PS256 needs an x5t#S256 header.") }
            algorithm = .ps256
            certificate = self.certificates.first { Base64.urlEncode($0.sha256Thumbprint) == x5t }
        default:
            throw .malformed("Unsupported alg \(header.string("alg") ?? "none").")
        }
        guard let certificate else {
            throw TokenError(status: 401, error: "invalid_client", code: 700027,
                             text: "The certificate with identifier used to sign the client assertion is not registered on application. [Reason - The key was not found.]")
        }
        let signingInput = Array(assertion.utf8.prefix(parts[0].utf8.count + 1 + parts[1].utf8.count))
        let valid = (try? certificate.publicKey.verify(signature: signature, data: signingInput, algorithm: algorithm)) ?? false
        guard valid else {
            throw TokenError(status: 401, error: "invalid_client", code: 700027, text: "Client assertion failed signature validation.")
        }
        guard let audience = payload.string("aud"), self.audiences.contains(audience.lowercased()) else {
            throw TokenError(status: 401, error: "invalid_client", code: 700023,
                             text: "Client assertion audience claim does not match Realm issuer. Review the documentation at https://aka.ms/certCreds.")
        }
        guard payload.string("iss")?.lowercased() == self.clientId, payload.string("sub")?.lowercased() == self.clientId else {
            throw TokenError(status: 401, error: "invalid_client", code: 700021,
                             text: "Client assertion application identifier doesn't match 'client_id' parameter.")
        }
        let seconds = Int(self.now.timeIntervalSince1970)
        guard let expires = payload.int("exp"), let jti = payload.string("jti"), !jti.isEmpty else {
            throw .malformed("The assertion needs exp and jti claims.")
        }
        // No leeway on either side: harsher than Entra's few minutes of tolerated skew.
        guard expires > seconds, (payload.int("nbf") ?? 0) <= seconds else {
            throw TokenError(status: 401, error: "invalid_client", code: 700024,
                             text: "Client assertion is not within its valid time range.")
        }
        return (jti, Date(timeIntervalSince1970: Double(expires)))
    }

    /// The audiences Entra would accept for `tenant`, plus the simulator's own token URLs.
    static func audiences(tenant: String, baseURL: String) -> Set<String> {
        var result = Set<String>()
        for host in ["https://login.microsoftonline.com", "https://login.windows.net", "https://login.microsoftonline.us",
                     "https://sts.windows.net", baseURL.trimmingSlash] {
            result.insert("\(host)/\(tenant)/oauth2/token".lowercased())
            result.insert("\(host)/\(tenant)/oauth2/v2.0/token".lowercased())
        }
        return result
    }
}
