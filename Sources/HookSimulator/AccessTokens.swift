import Foundation
import HookCrypto
import Synchronization

/// The claims of an access token the simulator issued, shaped like Microsoft's v1 app-only tokens (§1.6).
public struct AccessClaims: Sendable, Equatable {
    /// The resource root, e.g. `https://manage.office.com` or `https://monitor.azure.com`.
    public var audience: String
    public var tenant: String
    public var appId: String
    /// `"1"` for a client secret, `"2"` for a client certificate (§1.4).
    public var appIdACR: String
    public var roles: [String]
    public var notBefore: Int
    public var expires: Int
}

/// Issues and verifies access tokens: JWTs signed with HMAC-SHA256 under a key made per run, so
/// a token from another simulator run (or a forged one) never verifies.
final class AccessTokens: Sendable {
    private let key: [UInt8]
    /// Verified tokens by their text, so the hot path (blob GETs) skips the HMAC and the JSON parse.
    private let cache = Mutex<[String: AccessClaims]>([:])

    init() throws {
        self.key = try SecureRandom.bytes(32)
    }

    /// A signed token for `claims`.
    func issue(_ claims: AccessClaims, issuedAt: Int, objectId: String) throws -> String {
        let header = JSONOutput.object([("typ", .string("JWT")), ("alg", .string("HS256")), ("kid", .string("activityhook-sim"))])
        let payload = JSONOutput.object([
            ("aud", .string(claims.audience)),
            ("iss", .string("https://sts.windows.net/\(claims.tenant)/")),
            ("iat", .number(issuedAt)), ("nbf", .number(claims.notBefore)), ("exp", .number(claims.expires)),
            ("aio", .string("E2ZgYDg1dG9l")),
            ("appid", .string(claims.appId)), ("appidacr", .string(claims.appIdACR)),
            ("idp", .string("https://sts.windows.net/\(claims.tenant)/")),
            ("oid", .string(objectId)),
            ("roles", .array(claims.roles.map { .string($0) })),
            ("sub", .string(objectId)), ("tid", .string(claims.tenant)), ("ver", .string("1.0")),
        ])
        let signingInput = Base64.urlEncode(header.bytes) + "." + Base64.urlEncode(payload.bytes)
        let signature = try HMAC.sha256(key: self.key, message: Array(signingInput.utf8))
        return signingInput + "." + Base64.urlEncode(signature)
    }

    /// The claims of `token` when its signature is ours; expiry is the caller's business.
    func verify(_ token: String) -> AccessClaims? {
        if let cached = self.cache.withLock({ $0[token] }) { return cached }
        let parts = token.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3,
              let signature = Base64.urlDecode(String(parts[2])),
              let expected = try? HMAC.sha256(key: self.key, message: Array("\(parts[0]).\(parts[1])".utf8)),
              ConstantTime.equals(signature, expected),
              let payload = Base64.urlDecode(String(parts[1])),
              let object = JSONInput.object(payload),
              let audience = object.string("aud"), let tenant = object.string("tid"), let appId = object.string("appid"),
              let expires = object.int("exp"), let notBefore = object.int("nbf")
        else { return nil }
        let claims = AccessClaims(audience: audience, tenant: tenant, appId: appId, appIdACR: object.string("appidacr") ?? "1",
                                  roles: object.strings("roles") ?? [], notBefore: notBefore, expires: expires)
        self.cache.withLock { cache in
            if cache.count > 50_000 { cache.removeAll() }
            cache[token] = claims
        }
        return claims
    }
}

/// Why a request's token was refused, before any operation-specific check.
enum BearerCheck {
    /// Extracts and verifies the bearer token of `headers`; nil when there is none or it is invalid/expired.
    static func claims(authorization: String?, tokens: AccessTokens, now: Date, audiences: Set<String>) -> AccessClaims? {
        guard let value = authorization,
              value.count > 7, value.prefix(7).lowercased() == "bearer "
        else { return nil }
        guard let claims = tokens.verify(String(value.dropFirst(7)).trimmingCharacters(in: .whitespaces)) else { return nil }
        let seconds = Int(now.timeIntervalSince1970)
        // No clock-skew leeway: harsher than Entra, which is lenient by a few minutes.
        guard claims.expires > seconds, claims.notBefore <= seconds + 1 else { return nil }
        guard audiences.contains(claims.audience.trimmingSlash) else { return nil }
        return claims
    }
}

extension String {
    /// Without one trailing `/` (`https://monitor.azure.com/` and `…com` name the same resource).
    var trimmingSlash: String { self.hasSuffix("/") ? String(self.dropLast()) : self }
}
