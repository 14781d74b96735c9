import Foundation
import HookConfig
import HookCrypto
import HookHTTPClient

/// The signed JWT an app proves its certificate with (reference §1.4): PS256 with `x5t#S256` (Entra's
/// current form, the default) or RS256 with `x5t` (the older form), by configuration.
enum ClientAssertion {
    /// Builds and signs an assertion for `clientId` addressed to `audience` (the token URL).
    static func make(credential: CertificateCredential, clientId: String, audience: String, now: Date) throws -> String {
        // Loaded per assertion (once per token, about every 45 minutes), so a renewed certificate on disk
        // is picked up without a restart.
        let certificate = try Certificate(pemFile: credential.certificate)
        let key = try PrivateKey(pemFile: credential.privateKey)
        let header: String
        let algorithm: SignatureAlgorithm
        switch credential.algorithm {
        case .ps256:
            algorithm = .ps256
            header = #"{"alg":"PS256","typ":"JWT","x5t#S256":"\#(Base64.urlEncode(certificate.sha256Thumbprint))"}"#
        case .rs256:
            algorithm = .rs256
            header = #"{"alg":"RS256","typ":"JWT","x5t":"\#(Base64.urlEncode(certificate.sha1Thumbprint))"}"#
        }
        let issued = Int64(now.timeIntervalSince1970)
        // nbf a minute back absorbs small skew the Date header cannot resolve; exp stays within Entra's
        // "5-10 minutes after nbf".
        let payload = """
            {"aud":"\(jsonEscaped(audience))","iss":"\(clientId)","sub":"\(clientId)","jti":"\(try SecureRandom.uuid())",\
            "nbf":\(issued - 60),"iat":\(issued),"exp":\(issued + 540)}
            """
        let signingInput = Base64.urlEncode(Array(header.utf8)) + "." + Base64.urlEncode(Array(payload.utf8))
        let signature = try key.sign(Array(signingInput.utf8), algorithm: algorithm)
        return signingInput + "." + Base64.urlEncode(signature)
    }
}
