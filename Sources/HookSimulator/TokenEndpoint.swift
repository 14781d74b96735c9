import Foundation
import HookCrypto
import HookHTTPServer

/// The Entra ID client-credentials token endpoints (§1.2, §1.3): `/{tenant}/oauth2/token` with
/// `resource=` (v1, numbers as strings) and `/{tenant}/oauth2/v2.0/token` with `scope=…/.default`
/// (v2, numbers as numbers); secrets in the body or by HTTP Basic, or a certificate assertion.
struct TokenEndpoint: Sendable {
    let state: SimulatorState
    let tokens: AccessTokens

    /// Management API roots (§2), each also a token resource.
    static let managementResources: Set<String> = [
        "https://manage.office.com", "https://manage-gcc.office.com", "https://manage.office365.us",
        "https://manage.protection.apps.mil",
    ]
    /// Logs Ingestion audiences (docs/sink-protocols.md, Logs Ingestion).
    static let monitorResources: Set<String> = ["https://monitor.azure.com", "https://monitor.azure.us", "https://monitor.azure.cn"]

    /// Answers a token request for `tenant`; `v2` selects the v2 endpoint's rules and shape.
    func handle(tenant rawTenant: String, v2: Bool, request: HTTPRequest) -> HTTPResponse {
        let now = self.state.clock.now
        do {
            let body = try self.issue(tenant: rawTenant.lowercased(), v2: v2, request: request, now: now)
            self.state.withStore { $0.counters.tokensIssued += 1 }
            return Self.json(200, body)
        } catch {
            let body = self.state.withStore { store in
                store.counters.tokensRefused += 1
                return error.response(now: now, random: &store.random)
            }
            return Self.json(error.status, body)
        }
    }

    private func issue(tenant: String, v2: Bool, request: HTTPRequest, now: Date) throws(TokenError) -> JSONOutput {
        let form = FormBody.parse(request.body)
        let basic = FormBody.basicCredentials(request.headers["Authorization"])
        guard let tenantRecord = self.state.withStore({ $0.tenants[tenant] }) else {
            throw TokenError(status: 400, error: "invalid_request", code: 90002,
                             text: "Tenant '\(tenant)' not found. Check to make sure you have the correct tenant ID and are signing into the correct cloud.")
        }
        guard form["grant_type"] == "client_credentials" else {
            throw TokenError(status: 400, error: "unsupported_grant_type", code: 70003, text: "The app requested an unsupported grant type.")
        }
        guard let clientId = (form["client_id"] ?? basic?.id)?.lowercased(), !clientId.isEmpty else {
            throw Self.missing("client_id")
        }
        let resource: String
        if v2 {
            guard let scope = form["scope"] else { throw Self.missing("scope") }
            guard scope.hasSuffix("/.default"), !scope.contains(" ") else {
                throw TokenError(status: 400, error: "invalid_scope", code: 1_002_012,
                                 text: "The provided value for scope \(scope) is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).")
            }
            // `https://monitor.azure.com//.default` (the PowerShell sample's double slash) names the same resource.
            resource = String(scope.dropLast("/.default".count)).trimmingSlash
        } else {
            guard let value = form["resource"] else { throw Self.missing("resource") }
            resource = value.trimmingSlash
        }
        guard Self.managementResources.contains(resource) || Self.monitorResources.contains(resource) else {
            throw TokenError(status: 400, error: "invalid_resource", code: 500_011,
                             text: "The resource principal named \(resource) was not found in the tenant named \(tenant).")
        }
        guard let app = tenantRecord.apps[clientId] else {
            throw TokenError(status: 400, error: "unauthorized_client", code: 700_016,
                             text: "Application with identifier '\(clientId)' was not found in the directory '\(tenant)'.")
        }
        let secret = form["client_secret"] ?? basic?.secret
        let assertion = form["client_assertion"]
        let acr: String
        switch (secret, assertion) {
        case (let secret?, nil):
            guard let expected = app.secret, ConstantTime.equals(secret, expected) else {
                throw TokenError(status: 401, error: "invalid_client", code: 7_000_215,
                                 text: "Invalid client secret provided. Ensure the secret being sent in the request is the client secret value, not the client secret ID, for a secret added to app '\(clientId)'.")
            }
            acr = "1"
        case (nil, let assertion?):
            guard form["client_assertion_type"] == "urn:ietf:params:oauth:client-assertion-type:jwt-bearer" else {
                throw TokenError(status: 400, error: "invalid_request", code: 50027, text: "Invalid client_assertion_type.")
            }
            try self.checkAssertion(assertion, tenant: tenant, app: app, now: now)
            acr = "2"
        case (nil, nil):
            throw TokenError(status: 401, error: "invalid_client", code: 7_000_218,
                             text: "The request body must contain the following parameter: 'client_assertion' or 'client_secret'.")
        case (_?, _?):
            // Undocumented; harsher: refuse a request that carries both credentials.
            throw TokenError(status: 400, error: "invalid_request", code: 50012,
                             text: "Both client_secret and client_assertion were provided; send only one.")
        }
        let settings = self.state.settings
        let issued = Int(now.timeIntervalSince1970)
        let expires = issued + settings.tokenLifetimeSeconds
        let roles = Self.managementResources.contains(resource) ? app.roles : []
        let claims = AccessClaims(audience: resource, tenant: tenant, appId: clientId, appIdACR: acr, roles: roles,
                                  notBefore: issued - 300, expires: expires)
        let objectId = self.state.withStore { $0.random.guid() }
        let token: String
        do { token = try self.tokens.issue(claims, issuedAt: issued - 300, objectId: objectId) } catch {
            throw TokenError(status: 500, error: "temporarily_unavailable", code: 90033, text: "A transient error has occurred.")
        }
        let lifetime = settings.tokenLifetimeSeconds
        if v2 {
            return .object([("token_type", .string("Bearer")), ("expires_in", .number(lifetime)),
                            ("ext_expires_in", .number(lifetime)), ("access_token", .string(token))])
        }
        return .object([
            ("token_type", .string("Bearer")), ("expires_in", .string(String(lifetime))), ("ext_expires_in", .string("0")),
            ("expires_on", .string(String(expires))), ("not_before", .string(String(issued - 300))),
            ("resource", .string(resource)), ("access_token", .string(token)),
        ])
    }

    private func checkAssertion(_ assertion: String, tenant: String, app: SimApp, now: Date) throws(TokenError) {
        let verifier = ClientAssertionVerifier(
            audiences: ClientAssertionVerifier.audiences(tenant: tenant, baseURL: self.state.baseURL),
            clientId: app.clientId, certificates: app.certificates, now: now)
        let (jti, expires) = try verifier.verify(assertion)
        let replay = self.state.withStore { store -> Bool in
            store.seenAssertionIDs = store.seenAssertionIDs.filter { $0.value > now }
            let key = "\(app.clientId)|\(jti)"
            if store.seenAssertionIDs[key] != nil { return true }
            store.seenAssertionIDs[key] = expires
            return false
        }
        if replay {
            // Code and text are a guess: Entra documents jti as single-use but not the error.
            throw TokenError(status: 401, error: "invalid_client", code: 50013,
                             text: "Assertion failed signature validation. [Reason - The provided assertion has already been used (jti replay).]")
        }
    }

    private static func missing(_ name: String) -> TokenError {
        TokenError(status: 400, error: "invalid_request", code: 900_144,
                   text: "The request body must contain the following parameter: '\(name)'.")
    }

    static func json(_ status: Int, _ body: JSONOutput) -> HTTPResponse {
        HTTPResponse(status: status, headers: [
            "Content-Type": "application/json; charset=utf-8", "Cache-Control": "no-store, no-cache", "Pragma": "no-cache",
        ], body: body.bytes)
    }
}
