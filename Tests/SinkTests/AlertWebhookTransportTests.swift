import HookConfig
import HookHTTPClient
import HookJSON
import HookRecords
import HookSinks
import HookTestSupport
import SinkFakes
import Testing

@Suite("alert-webhook transport against a loopback webhook")
struct AlertWebhookTransportTests {
    typealias F = AzureSinkFixtures

    static let mail = #"{"Id":"28000000-0000-4000-8000-000000000001","RecordType":28,"CreationTime":"2026-11-29T06:30:00","Operation":"TIMailData","Workload":"ThreatIntelligence","UserId":"ThreatIntel","P1Sender":"billing@evil.example.net","Recipients":["alice@contoso.com","bob@contoso.com"],"Subject":"Your mailbox is almost full","Verdict":"Phish","DeliveryAction":"Blocked","PhishConfidenceLevel":"High","EventDeepLink":"https://security.microsoft.com/?hash=/threatexplorer?messageParams=1"}"#
    static let alert = #"{"Id":"40000000-0000-4000-8000-000000000001","RecordType":"40","CreationTime":"2026-11-29T06:31:00","Operation":"AlertTriggered","Workload":"SecurityComplianceCenter","UserId":"SecurityComplianceAlerts","Name":"Email messages containing malicious URL removed after delivery","Status":"Active","Severity":"High","AlertEntityId":"carol@contoso.com","AlertLinks":[{"AlertLinkType":"Default","AlertLinkHref":"https://security.microsoft.com/alerts/abc"}]}"#
    static let click = #"{"Id":"41000000-0000-4000-8000-000000000001","RecordType":41,"CreationTime":"2026-11-29T06:32:00","Operation":"TIUrlClickData","Workload":"ThreatIntelligence","UserId":"dave@contoso.com","Url":"https://phish.example.org/login","UrlClickAction":"Blockpage"}"#
    static let file = #"{"Id":"47000000-0000-4000-8000-000000000001","RecordType":47,"CreationTime":"2026-11-29T06:33:00","Operation":"AtpDetection","Workload":"ThreatIntelligence","UserId":"ThreatIntel","FileData":{"FileName":"payload.docm","FileVerdict":1,"MalwareFamily":"TrojanDownloader:O97M/Donoff"},"LastModifiedBy":"erin@contoso.com","EventDeepLink":"https://security.microsoft.com/?hash=/threatexplorer?fileParams=2"}"#
    static let teamsActivity = #"{"Id":"25000000-0000-4000-8000-000000000001","RecordType":25,"CreationTime":"2026-11-29T06:34:00","Operation":"MemberAdded","Workload":"MicrosoftTeams","UserId":"frank@contoso.com"}"#

    static func batch(_ records: [String]) throws -> RecordBatch {
        RecordBatch(source: F.source, records: try F.records("[" + records.joined(separator: ",") + "]"))
    }

    /// `count` distinct type-28 alerts.
    static func mails(_ count: Int, first: Int = 0) -> [String] {
        (first..<(first + count)).map { Self.mail.replacingOccurrences(of: "28000000-0000-4000-8000-000000000001", with: "28000000-0000-4000-8000-\(String(1_000_000_000_000 + $0).dropFirst())") }
    }

    static func transport(_ fake: AlertWebhookFake, http: HTTPClient, format: AlertWebhookFormat, rate: Int = 30) -> AlertWebhookTransport {
        AlertWebhookTransport(name: "alerts", config: AlertWebhookSinkConfig(url: Secret(fake.url), format: format, ratePerMinute: rate),
                              http: http, logger: F.logger)
    }

    static func withWebhook(_ body: @Sendable (AlertWebhookFake, HTTPClient) async throws -> Void) async throws {
        try await withTemporaryDirectory { _ in
            let http = try HTTPClient()
            defer { http.shutdown() }
            try await AlertWebhookFake.run { fake in try await body(fake, http) }
        }
    }

    @Test func teamsAdaptiveCardPerAlert() async throws {
        try await Self.withWebhook { fake, http in
            try await Self.transport(fake, http: http, format: .teams).send([try Self.batch([Self.mail, Self.teamsActivity, Self.alert, Self.click, Self.file])])
            let messages = try fake.messages()
            #expect(messages.count == 4)
            let cards = messages.compactMap { $0["attachments"]?.arrayValue?.first }
            #expect(messages.allSatisfy { $0["type"]?.stringValue == "message" })
            #expect(cards.allSatisfy { $0["contentType"]?.stringValue == "application/vnd.microsoft.card.adaptive" && $0["contentUrl"] == .null })
            let contents = cards.compactMap { $0["content"] }
            #expect(contents.allSatisfy { $0["type"]?.stringValue == "AdaptiveCard" })
            func facts(_ card: JSONValue) -> [String: String] {
                let set = card["body"]?.arrayValue?.first { $0["type"]?.stringValue == "FactSet" }
                return Dictionary(uniqueKeysWithValues: (set?["facts"]?.arrayValue ?? []).compactMap { fact in
                    fact["title"]?.stringValue.flatMap { title in fact["value"]?.stringValue.map { (title, $0) } }
                })
            }
            let mail = contents[0]
            #expect(mail["body"]?.arrayValue?.first?["text"]?.stringValue == #"Phish email detected "Your mailbox is almost full""#)
            #expect(facts(mail)["Sender"] == "billing@evil.example.net")
            #expect(facts(mail)["Recipients"] == "alice@contoso.com, bob@contoso.com")
            #expect(facts(mail)["Severity"] == "High")
            #expect(facts(mail)["Verdict"] == "Phish, Blocked")
            #expect(mail["actions"]?.arrayValue?.first?["url"]?.stringValue == "https://security.microsoft.com/?hash=/threatexplorer?messageParams=1")
            let alert = contents[1]
            #expect(alert["body"]?.arrayValue?.first?["text"]?.stringValue == "Email messages containing malicious URL removed after delivery")
            #expect(facts(alert)["Who"] == "carol@contoso.com")
            #expect(facts(alert)["Severity"] == "High")
            #expect(facts(alert)["Verdict"] == "Active")
            #expect(alert["actions"]?.arrayValue?.first?["url"]?.stringValue == "https://security.microsoft.com/alerts/abc")
            #expect(facts(contents[2])["Who"] == "dave@contoso.com")
            #expect(facts(contents[2])["Verdict"] == "Blockpage")
            #expect(contents[2]["actions"]?.arrayValue?.isEmpty == true)  // no deep link in the record
            #expect(contents[3]["body"]?.arrayValue?.first?["text"]?.stringValue == "Malicious file detected: payload.docm (TrojanDownloader:O97M/Donoff)")
            #expect(facts(contents[3])["Who"] == "erin@contoso.com")
            #expect(facts(contents[3])["Verdict"] == "Bad")
        }
    }

    @Test func slackTextPerAlert() async throws {
        try await Self.withWebhook { fake, http in
            try await Self.transport(fake, http: http, format: .slack).send([try Self.batch([Self.alert, Self.click])])
            let texts = try fake.messages().compactMap { $0["text"]?.stringValue }
            #expect(texts.count == 2)
            #expect(texts[0].hasPrefix("*Email messages containing malicious URL removed after delivery*"))
            #expect(texts[0].contains("Who: carol@contoso.com"))
            #expect(texts[0].contains("Severity: High"))
            #expect(texts[0].contains("Verdict: Active"))
            #expect(texts[0].contains("<https://security.microsoft.com/alerts/abc|Open in Microsoft Defender>"))
            #expect(texts[1].contains("Malicious URL clicked: https://phish.example.org/login"))
        }
    }

    @Test func jsonCarriesFieldsAndTheOriginalRecord() async throws {
        try await Self.withWebhook { fake, http in
            let batch = try Self.batch([Self.mail])
            try await Self.transport(fake, http: http, format: .json).send([batch])
            let bodies = fake.bodies
            #expect(bodies.count == 1)
            #expect(bodies[0].containsBytes(Array(#""record":"#.utf8) + batch.records[0].bytes))
            let message = try fake.messages()[0]
            #expect(message["type"]?.stringValue == "alert")
            #expect(message["recordType"] == .number("28"))
            #expect(message["typeName"]?.stringValue == "ThreatIntelligence")
            #expect(message["sender"]?.stringValue == "billing@evil.example.net")
            #expect(message["recipients"]?.arrayValue?.count == 2)
            #expect(message["severity"]?.stringValue == "High")
            #expect(message["verdict"]?.stringValue == "Phish, Blocked")
            #expect(message["link"]?.stringValue?.hasPrefix("https://security.microsoft.com/") == true)
            #expect(message["recordId"]?.stringValue == "28000000-0000-4000-8000-000000000001")
            #expect(message["tenantId"]?.stringValue == F.tenant)
        }
    }

    @Test func recordsThatAreNotAlertsAreAcceptedWithoutAPost() async throws {
        try await Self.withWebhook { fake, http in
            try await Self.transport(fake, http: http, format: .json).send([try Self.batch([Self.teamsActivity, Self.teamsActivity])])
            #expect(fake.attempts == 0)
        }
    }

    @Test func aBurstAboveTheLimitIsSummarisedAndThenTheBudgetIsExhausted() async throws {
        try await Self.withWebhook { fake, http in
            let transport = Self.transport(fake, http: http, format: .json, rate: 5)
            try await transport.send([try Self.batch(Self.mails(8) + [Self.alert, Self.alert.replacingOccurrences(of: "40000000-0000-4000-8000-000000000001", with: "40000000-0000-4000-8000-000000000002")])])
            let messages = try fake.messages()
            #expect(messages.count == 5)
            #expect(messages.prefix(4).allSatisfy { $0["type"]?.stringValue == "alert" })
            let summary = messages[4]
            #expect(summary["type"]?.stringValue == "summary")
            #expect(summary["count"] == .number("6"))  // 10 alerts: 4 individual messages + 1 summary for the other 6
            #expect(summary["byType"]?["ThreatIntelligence"] == .number("4"))
            #expect(summary["byType"]?["SecurityComplianceAlerts"] == .number("2"))
            #expect(summary["text"]?.stringValue == "6 more alerts: 4 × ThreatIntelligence, 2 × SecurityComplianceAlerts")

            let error = await F.transportError { try await transport.send([try Self.batch(Self.mails(1, first: 100))]) }
            guard case .retryable(_, let retryAfter?)? = error else { Issue.record("expected retryable, got \(String(describing: error))"); return }
            #expect(retryAfter > .zero && retryAfter <= .seconds(60))
            #expect(fake.attempts == 5)
        }
    }

    @Test func throttlingIsRetryableWithRetryAfterAndARetryDoesNotRepost() async throws {
        try await Self.withWebhook { fake, http in
            let transport = Self.transport(fake, http: http, format: .slack)
            let batch = try Self.batch(Self.mails(3))
            try await transport.send([try Self.batch([Self.alert])])
            fake.failNext(1, status: 429, retryAfterSeconds: 30)
            let throttled = await F.transportError { try await transport.send([batch]) }
            guard case .retryable(let message, let retryAfter)? = throttled else { Issue.record("expected retryable"); return }
            #expect(retryAfter == .seconds(30))
            #expect(!message.contains(fake.url) && !message.contains("sig-s3cr3t"))
            fake.failNext(1, status: 200, body: "Microsoft Teams endpoint returned HTTP error 429 to the request")
            let disguised = await F.transportError { try await transport.send([batch]) }
            guard case .retryable? = disguised else { Issue.record("expected retryable for a 200 with HTTP error 429"); return }
            fake.failNext(1, status: 400, body: "invalid_payload")
            let refused = await F.transportError { try await transport.send([batch]) }
            guard case .permanent(let text)? = refused else { Issue.record("expected permanent for 400"); return }
            #expect(text.contains("400"))
            try await transport.send([batch])
            try await transport.send([batch])  // already posted: nothing more
            #expect(try fake.messages().count == 4)
        }
    }
}
