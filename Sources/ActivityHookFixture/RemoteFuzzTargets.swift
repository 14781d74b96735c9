import Foundation
import HookEntraAuth
import HookHTTPClient
import HookJSON
import HookManagementAPI
import HookRetry
import HookSinks
import Logging

/// The parsers `fuzz-remote` drives, each with its seeds and the property its result must hold.
struct RemoteFuzzTargets {
    static let families = ["retry-after", "date", "throttle-text", "error-envelope", "token", "listing", "hec", "next-page"]

    static let seeds: [[[UInt8]]] = [
        ["120", "0", "10000000000000000", "Sun, 06 Nov 1994 08:49:37 GMT", "Fri, 31 Dec 9999 23:59:59 GMT", " 30 "],
        ["Sun, 06 Nov 1994 08:49:37 GMT", "Thu, 03 Dec 2026 10:00:00 GMT", "Mon, 01 Jan 99999 00:00:00 GMT"],
        ["Please retry again after 14m 56s", "retry again after 1h 2m 3s.", "retry again after 99999999999999999999h"],
        [#"{"error":{"code":"AF20023","message":"The subscription was disabled. Please retry again after 3m"}}"#,
         #"{"error":{"code":"AF429","message":"Too many requests"}}"#, #"{"error":"x"}"#, "<html>503</html>"],
        [#"{"token_type":"Bearer","expires_in":3599,"access_token":"a.b.c"}"#, #"{"expires_in":"9223372036854775807","access_token":"t"}"#,
         #"{"error":"invalid_client","error_description":"AADSTS7000215: Invalid client secret.","error_codes":[7000215]}"#],
        [#"[{"contentType":"Audit.General","contentId":"a$b","contentUri":"https://manage.office.com/api/v1.0/t/activity/feed/audit/a$b","contentCreated":"2026-11-29T06:00:00.000Z","contentExpiration":"2026-12-06T06:00:00.000Z"}]"#,
         "[]", #"[{"contentId":"x"},1,null]"#],
        [#"{"text":"Success","code":0,"ackId":7}"#, #"{"acks":{"0":true,"1":false,"99999999999999999999":true}}"#,
         #"{"text":"Server is busy","code":9}"#, #"{"ackId":-9223372036854775808}"#],
        ["https://manage.office.com/api/v1.0/t/activity/feed/subscriptions/content?contentType=Audit.General&nextPage=2",
         "https://manage.office.com.evil.example/x", "https://manage.office.com@evil.example/", "//manage.office.com/x"],
    ].map { $0.map { Array($0.utf8) } }

    let client: ManagementAPIClient
    let skew = ClockSkew(localClock: { Date(timeIntervalSince1970: 1_795_935_570) },
                         logger: Logger(label: "fuzz", factory: { _ in SwiftLogNoOpLogHandler() }))

    init(http: HTTPClient) {
        let settings = TokenProvider.Settings(tenantId: "t", clientId: "c", credential: .clientSecret(.init("s")),
                                              loginURL: "https://login.microsoftonline.com", resource: "https://manage.office.com")
        self.client = ManagementAPIClient(
            settings: .init(apiRoot: "https://manage.office.com", tenantId: "t", publisherId: "p"),
            tokens: TokenProvider(settings: settings, http: http), http: http, budget: RequestBudget(), skew: ClockSkew())
    }

    /// Runs one input through one family; a description of the broken property, or nil.
    func run(family: Int, _ input: [UInt8]) -> String? {
        let text = String(decoding: input, as: UTF8.self)
        let backoff = Backoff(base: .milliseconds(500), cap: .seconds(30))
        func waitIsBounded(_ wait: Duration?) -> Bool {
            guard let wait else { return true }
            return wait >= .zero && wait <= Saturating.maxServerWait && backoff.delay(attempt: 1, serverRequested: wait) <= backoff.serverCap
        }
        switch Self.families[family] {
        case "retry-after":
            let wait = RetryAfter.parse(header: text, nowSeconds: 1_795_935_570)
            return waitIsBounded(wait) ? nil : "wait \(String(describing: wait))"
        case "date":
            guard let date = HTTPDate(imfFixdate: text) else { return nil }
            self.skew.observe(date)
            guard (0...253_402_300_799).contains(date.secondsSince1970) else { return "date \(date.secondsSince1970)" }
            return abs(self.skew.seconds) <= ClockSkew.maxSkew ? nil : "skew \(self.skew.seconds)"
        case "throttle-text":
            let wait = RetryAfter.parse(message: text)
            return waitIsBounded(wait) ? nil : "wait \(String(describing: wait))"
        case "error-envelope":
            let error = ManagementAPIError(status: 429, body: input, retryAfterHeader: text, operation: "fuzz")
            _ = error.description
            return waitIsBounded(error.retryAfter) ? nil : "wait \(String(describing: error.retryAfter))"
        case "token":
            _ = TokenError(status: 400, body: input, tenantKey: "tenants[0]").description
            let issued = Date(timeIntervalSince1970: 1_795_935_570)
            guard let token = try? TokenForm.parse(input, obtainedAt: issued, tenantKey: "tenants[0]") else { return nil }
            let lifetime = token.expiresAt.timeIntervalSince(issued)
            guard (60...86_400).contains(lifetime), token.refreshAt >= issued, token.refreshAt <= token.expiresAt else {
                return "lifetime \(lifetime)"
            }
            return nil
        case "listing":
            guard let json = try? JSONParser.parse(input, limits: .init(maxDepth: 16, rejectDuplicateKeys: false)) else { return nil }
            for blob in (json.arrayValue ?? []).compactMap(ContentBlob.init(json:)) {
                _ = Timestamp.parse(blob.contentCreated)
                _ = Timestamp.parse(blob.contentExpiration)
            }
            _ = (json.arrayValue ?? []).compactMap(Subscription.init(json:))
            _ = (json.arrayValue ?? []).compactMap(NotificationAttempt.init(json:))
            return nil
        case "hec":
            let response = HTTPClientResponse(head: .init(status: input.count % 2 == 0 ? 200 : 503, headers: ["Retry-After": text]), body: input)
            _ = SplunkHECResponse.accepted(response, expectAck: true)
            if case .failure(.retryable(_, let wait)) = SplunkHECResponse.acks(response), !waitIsBounded(wait) {
                return "wait \(String(describing: wait))"
            }
            return nil
        default:  // next-page
            let onRoot = (try? self.client.checkSameOrigin(text, operation: "fuzz")) != nil
            if onRoot, !text.lowercased().hasPrefix("https://manage.office.com/") { return "accepted \(text)" }
            let next = self.client.withPublisher(text)
            return next.lowercased().contains("publisheridentifier=") ? nil : "lost PublisherIdentifier"
        }
    }
}
