import Foundation
import HookConfig
import HookManagementAPI
import HookEntraAuth
import HookRetry
import Testing

/// The taxonomy table (issue 5 §3), cloud mapping and the small parsers.
@Suite struct ErrorTaxonomyTests {
    struct Case: Sendable, CustomStringConvertible {
        let status: Int
        let body: String
        let expected: ErrorClass
        var description: String { "\(self.status) \(self.body.prefix(40))" }
    }

    static func envelope(_ code: String, _ message: String = "m") -> String { #"{"error":{"code":"\#(code)","message":"\#(message)"}}"# }

    static let cases: [Case] = [
        Case(status: 401, body: envelope("AF10001", "The permission set (ActivityFeed.Read) sent in the request does not include the expected permission"), expected: .fatal),
        Case(status: 400, body: envelope("AF20001"), expected: .fatal),
        Case(status: 400, body: envelope("AF20002"), expected: .fatal),
        Case(status: 400, body: envelope("AF20003"), expected: .fatal),
        Case(status: 401, body: envelope("AF20010"), expected: .fatal),
        Case(status: 400, body: envelope("AF20011"), expected: .fatal),
        Case(status: 400, body: envelope("AF20012"), expected: .fatal),
        Case(status: 400, body: envelope("AF20013"), expected: .fatal),
        Case(status: 400, body: envelope("AF20020"), expected: .fatal),
        Case(status: 400, body: envelope("AF20021", "Webhook endpoint {0} could not be validated."), expected: .fatal),
        Case(status: 400, body: envelope("AF20022"), expected: .resubscribe),
        Case(status: 404, body: envelope("AF20022"), expected: .resubscribe),
        Case(status: 400, body: envelope("AF20023", "The subscription was disabled."), expected: .resubscribe),
        Case(status: 400, body: envelope("AF20024", "The subscription is already enabled. No property change."), expected: .success),
        Case(status: 400, body: envelope("AF20030"), expected: .fatal),
        Case(status: 400, body: envelope("AF20031"), expected: .fatal),
        Case(status: 404, body: envelope("AF20050"), expected: .skip),
        Case(status: 400, body: envelope("AF20051"), expected: .skip),
        Case(status: 400, body: envelope("AF20052"), expected: .skip),
        Case(status: 400, body: envelope("AF20055"), expected: .fatal),
        Case(status: 403, body: envelope("AF429", "Too many requests. Method=GetBlob, PublisherId=x"), expected: .retry),
        Case(status: 429, body: envelope("AF429"), expected: .retry),
        Case(status: 500, body: envelope("AF50000"), expected: .retry),
        Case(status: 500, body: envelope("AF50005"), expected: .retry),
        Case(status: 500, body: envelope("AF50006"), expected: .retry),
        Case(status: 500, body: "", expected: .retry),
        Case(status: 502, body: "", expected: .retry),
        Case(status: 503, body: "<html>down</html>", expected: .retry),
        Case(status: 504, body: "", expected: .retry),
        Case(status: 408, body: "", expected: .retry),
        Case(status: 429, body: #"{"error":{"code":"TooManyRequests","message":"Rate limit"}}"#, expected: .retry),
        Case(status: 404, body: "", expected: .skip),
        Case(status: 400, body: "not json", expected: .fatal),
        Case(status: 403, body: "", expected: .fatal),
        Case(status: 400, body: envelope("af20024"), expected: .success),
    ]

    @Test(arguments: cases)
    func classifies(_ item: Case) {
        let error = ManagementAPIError(status: item.status, body: Array(item.body.utf8), retryAfterHeader: nil, operation: "op")
        #expect(error.errorClass == item.expected, "\(item)")
        #expect(Self.cases.count >= 25)
    }

    @Test func envelopeDecodingAndHints() {
        let error = ManagementAPIError(status: 400, body: Array(Self.envelope("AF20021", "could not be validated").utf8),
                                       retryAfterHeader: nil, operation: "start Audit.General")
        #expect(error.code == "AF20021")
        #expect(error.message == "could not be validated")
        #expect(error.description.contains("is `activityhook serve` running and reachable at server.publicUrl through your proxy?"))
        #expect(ErrorTaxonomy.hint(for: "AF10001")?.contains("ActivityFeed.ReadDlp and admin consent") == true)
    }

    @Test func retryAfterHeaderAndMessage() {
        #expect(RetryAfter.parse(header: "120") == .seconds(120))
        #expect(RetryAfter.parse(header: nil) == nil)
        #expect(RetryAfter.parse(header: "soon") == nil)
        let now = Date(timeIntervalSince1970: 1_795_935_570)
        #expect(RetryAfter.parse(header: "Sun, 29 Nov 2026 07:00:30 GMT", nowSeconds: Int64(now.timeIntervalSince1970)) == .seconds(60))
        #expect(RetryAfter.parse(message: "Too many frequent subscription start requests. Please retry again after 14m 56s")
                == .seconds(14 * 60 + 56))
        #expect(RetryAfter.parse(message: "Please Retry again after 1h 2m 3s.") == .seconds(3723))
        #expect(RetryAfter.parse(message: "retry again after 45s") == .seconds(45))
        #expect(RetryAfter.parse(message: "retry later") == nil)
        let error = ManagementAPIError(status: 429, body: Array(Self.envelope("AF429", "Please retry again after 14m 56s").utf8),
                                       retryAfterHeader: nil, operation: "start")
        #expect(error.retryAfter == .seconds(896))
    }

    @Test func backoffGrowsWithJitterAndHonoursTheServer() {
        let policy = Backoff(base: .seconds(1), cap: .seconds(8))
        #expect(policy.delay(attempt: 1, serverRequested: nil, random: { $0.upperBound }) == .seconds(1))
        #expect(policy.delay(attempt: 3, serverRequested: nil, random: { $0.upperBound }) == .seconds(4))
        #expect(policy.delay(attempt: 9, serverRequested: nil, random: { $0.upperBound }) == .seconds(8))
        #expect(policy.delay(attempt: 3, serverRequested: nil, random: { $0.lowerBound }) == .zero)
        // The server's wait is honoured (with up to 10% jitter) but never past the server cap.
        #expect(policy.delay(attempt: 1, serverRequested: .seconds(10), random: { $0.lowerBound }) == .seconds(10))
        #expect(policy.delay(attempt: 1, serverRequested: .seconds(10), random: { $0.upperBound }) == .seconds(11))
        #expect(policy.delay(attempt: 1, serverRequested: .seconds(10_000), random: { $0.lowerBound }) == .seconds(900))
    }

    @Test(arguments: [
        (Cloud.enterprise, "https://manage.office.com", "https://login.microsoftonline.com"),
        (Cloud.gcc, "https://manage-gcc.office.com", "https://login.microsoftonline.com"),
        (Cloud.gccHigh, "https://manage.office365.us", "https://login.microsoftonline.us"),
        (Cloud.dod, "https://manage.protection.apps.mil", "https://login.microsoftonline.us"),
    ])
    func cloudHosts(cloud: Cloud, apiRoot: String, login: String) throws {
        var config = APIConfig(cloud: cloud)
        let tenant = TenantConfig(tenantId: tenantA, clientId: appA, credential: .clientSecret(Secret("x")))
        let full = ActivityHookConfig.testConfig(api: config, tenant: tenant)
        let settings = TokenProvider.Settings.management(full, tenantIndex: 0)
        #expect(settings.loginURL == login)
        #expect(settings.resource == apiRoot)
        #expect(settings.tokenURL == "\(login)/\(tenantA)/oauth2/v2.0/token")
        #expect(config.resolvedAPIRoot == apiRoot)
        #expect(Cloud(configValue: cloud.rawValue.uppercased()) == cloud)
        // Overrides (the simulator) move the hosts but never the token audience.
        config.apiRoot = "http://127.0.0.1:9"
        config.loginURL = "http://127.0.0.1:9"
        config.tokenEndpoint = .v1
        let overridden = TokenProvider.Settings.management(.testConfig(api: config, tenant: tenant), tenantIndex: 0)
        #expect(overridden.tokenURL == "http://127.0.0.1:9/\(tenantA)/oauth2/token")
        #expect(overridden.resource == apiRoot)
        let client = ManagementAPIClient.make(config: .testConfig(api: config, tenant: tenant), tenantIndex: 0,
                                              http: try sharedHTTP())
        #expect(client.settings.apiRoot == "http://127.0.0.1:9")
        #expect(client.settings.publisherId == tenantA)
    }
}
