import Foundation
import HookConfig
import HookHTTPTypes
import HookRecords

/// The JSON bodies an alert webhook posts: one per alert, and one summary for a burst past the rate limit.
///
/// Teams Workflows gets a message with an Adaptive Card attachment, Slack `{"text": …}` in mrkdwn, and the
/// generic format a small object with the extracted fields plus the original record (docs/sink-protocols.md, alert webhooks).
enum AlertMessage {
    /// The body for one alert.
    static func alert(_ details: AlertDetails, record: SplitRecord, source: BlobSource, format: AlertWebhookFormat) -> [UInt8] {
        let facts = Self.facts(details, source: source)
        switch format {
        case .teams:
            var body = [Self.textBlock(details.title, bold: true), Self.textBlock(details.typeName, subtle: true)]
            body.append(#"{"type":"FactSet","facts":[\#(facts.map { #"{"title":\#(q($0.0)),"value":\#(q($0.1))}"# }.joined(separator: ","))]}"#)
            let actions = details.link.map { #"[{"type":"Action.OpenUrl","title":"Open in Microsoft Defender","url":\#(q($0))}]"# } ?? "[]"
            return Self.teams(body: body, actions: actions)
        case .slack:
            var lines = ["*\(Self.slackEscaped(details.title))*", "_\(details.typeName)_"]
            lines += facts.map { "\($0.0): \(Self.slackEscaped($0.1))" }
            if let link = details.link { lines.append("<\(Self.slackEscaped(link))|Open in Microsoft Defender>") }
            return Array(#"{"text":\#(q(lines.joined(separator: "\n")))}"#.utf8)
        case .json:
            var fields: [String] = [#""type":"alert""#, #""alert":\#(q(details.title))"#]
            if let type = details.recordType { fields.append(#""recordType":\#(type)"#) }
            fields.append(#""typeName":\#(q(details.typeName))"#)
            let optional: [(String, String?)] = [("user", details.user), ("sender", details.sender), ("severity", details.severity),
                                                 ("verdict", details.verdict), ("link", details.link), ("time", details.time),
                                                 ("recordId", details.recordId)]
            fields += optional.compactMap { key, value in value.map { "\(q(key)):\(q($0))" } }
            if !details.recipients.isEmpty { fields.append(#""recipients":[\#(details.recipients.map(q).joined(separator: ","))]"#) }
            fields += [#""tenantId":\#(q(source.tenantId))"#, #""contentType":\#(q(source.contentType))"#]
            // The record's original bytes, embedded verbatim (a complete JSON object).
            return Array(("{" + fields.joined(separator: ",") + #","record":"#).utf8) + record.bytes + [UInt8(ascii: "}")]
        }
    }

    /// The body that stands for `counts` (alerts per type name) that did not get a message of their own.
    static func summary(_ counts: [(typeName: String, count: Int)], ratePerMinute: Int, format: AlertWebhookFormat) -> [UInt8] {
        let total = counts.reduce(0) { $0 + $1.count }
        let text = Self.summaryText(counts)
        let note = "Rate limit of \(ratePerMinute) messages per minute reached; see the SIEM for each alert."
        switch format {
        case .teams:
            return Self.teams(body: [Self.textBlock(text, bold: true), Self.textBlock(note, subtle: true)], actions: "[]")
        case .slack:
            return Array(#"{"text":\#(q("*\(Self.slackEscaped(text))*\n\(note)"))}"#.utf8)
        case .json:
            let byType = counts.map { "\(q($0.typeName)):\($0.count)" }.joined(separator: ",")
            return Array(#"{"type":"summary","count":\#(total),"byType":{\#(byType)},"text":\#(q(text))}"#.utf8)
        }
    }

    /// `N more alerts: 30 × ThreatIntelligence, 2 × SecurityComplianceAlerts`.
    static func summaryText(_ counts: [(typeName: String, count: Int)]) -> String {
        let total = counts.reduce(0) { $0 + $1.count }
        let parts = counts.map { "\($0.count) × \($0.typeName)" }.joined(separator: ", ")
        return "\(total) more alert\(total == 1 ? "" : "s"): \(parts)"
    }

    private static func facts(_ details: AlertDetails, source: BlobSource) -> [(String, String)] {
        let facts: [(String, String?)] = [
            ("Who", details.user), ("Sender", details.sender),
            ("Recipients", details.recipients.isEmpty ? nil : details.recipients.joined(separator: ", ")),
            ("Severity", details.severity), ("Verdict", details.verdict), ("Time", details.time),
            ("Tenant", source.tenantId), ("Record", details.recordId),
        ]
        return facts.compactMap { name, value in value.map { (name, $0) } }
    }

    private static func teams(body: [String], actions: String) -> [UInt8] {
        let card = #"{"type":"AdaptiveCard","$schema":"http://adaptivecards.io/schemas/adaptive-card.json","version":"1.4","body":[\#(body.joined(separator: ","))],"actions":\#(actions)}"#
        return Array(#"{"type":"message","attachments":[{"contentType":"application/vnd.microsoft.card.adaptive","contentUrl":null,"content":\#(card)}]}"#.utf8)
    }

    private static func textBlock(_ text: String, bold: Bool = false, subtle: Bool = false) -> String {
        var block = #"{"type":"TextBlock","text":\#(q(text)),"wrap":true"#
        if bold { block += #","weight":"Bolder","size":"Medium""# }
        if subtle { block += #","isSubtle":true,"spacing":"None""# }
        return block + "}"
    }

    /// Slack mrkdwn control characters: "replace & with &amp;, < with &lt; and > with &gt;".
    static func slackEscaped(_ text: String) -> String {
        text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
            .replacingOccurrences(of: ">", with: "&gt;")
    }

    private static func q(_ text: String) -> String { "\"\(jsonEscaped(text))\"" }
}
