import Foundation
import HookConfig
import HookHTTPClient
import HookManagementAPI
import HookEntraAuth
import HookRetry

/// Calls the simulator's `/_sim/…` control API: the status, the decoded JSON object (empty when the body is
/// not one) and the raw body for messages. A GET goes without a body (with one it would go out as POST).
public func simulatorControl(url: String, http: HTTPClient, _ method: String, _ name: String, _ json: String = "{}")
    async throws -> (status: Int, object: [String: Any], body: String)
{
    let response = try await http.execute(HTTPClientRequest(
        method: method, url: "\(url)/_sim/\(name)", headers: ["Content-Type": "application/json"],
        body: method == "GET" ? [] : Array(json.utf8)))
    let object = (try? JSONSerialization.jsonObject(with: Data(response.body))) as? [String: Any] ?? [:]
    return (response.status, object, String(decoding: response.body, as: UTF8.self))
}

/// A Management API client for a simulated tenant's app (client secret, v2 tokens from the simulator itself).
public func simulatedTenantClient(url: String, http: HTTPClient, tenant: String, app: String, secret: String, publisher: String,
                                  backoff: Backoff, budget: RequestBudget = RequestBudget()) -> ManagementAPIClient {
    let skew = ClockSkew()
    let tokens = TokenProvider(
        settings: TokenProvider.Settings(tenantId: tenant, clientId: app, credential: .clientSecret(Secret(secret)),
                                         loginURL: url, endpoint: .v2, resource: "https://manage.office.com", tenantKey: "tenants[0]"),
        http: http, skew: skew)
    return ManagementAPIClient(settings: .init(apiRoot: url, tenantId: tenant, publisherId: publisher, backoff: backoff),
                               tokens: tokens, http: http, budget: budget, skew: skew)
}
