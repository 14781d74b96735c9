import HookJSON
import HookRecords

/// What an alert message says about one security record: what happened, to whom, how bad, the verdict
/// and a deep link, read from the record's own JSON (docs/management-api-notes.md) with fallbacks when fields are missing.
public struct AlertDetails: Sendable, Equatable {
    /// `RecordType`, when the record has one.
    public var recordType: Int?
    /// The record type's name, e.g. `ThreatIntelligence` (or `RecordType 99`).
    public var typeName: String
    /// One line: the alert name, operation or detection.
    public var title: String
    /// The affected user (`UserId`, `AlertEntityId`, the clicking user, the file's last modifier).
    public var user: String?
    /// The mail sender (type 28).
    public var sender: String?
    /// The mail recipients (type 28).
    public var recipients: [String]
    /// `Severity` (type 40) or the phish confidence (type 28).
    public var severity: String?
    /// Verdict or status: `Verdict`, `Status`, `UrlClickAction`, the file verdict.
    public var verdict: String?
    /// `EventDeepLink` or the first `AlertLinks[].AlertLinkHref`.
    public var link: String?
    /// `CreationTime` as written.
    public var time: String?
    /// The record's `Id`.
    public var recordId: String?

    /// Names of the record types alerts are raised for by default.
    public static func typeName(_ recordType: Int?) -> String {
        switch recordType {
        case 28: "ThreatIntelligence"
        case 40: "SecurityComplianceAlerts"
        case 41: "ThreatIntelligenceUrl"
        case 47: "ThreatIntelligenceAtpContent"
        case let type?: "RecordType \(type)"
        case nil: "Unknown record type"
        }
    }

    /// Reads the details of `record`; a record that does not parse still gives its split fields.
    public init(_ record: SplitRecord) {
        let json = (try? JSONParser.parse(record.bytes, limits: .init(maxDepth: 32, rejectDuplicateKeys: false))) ?? .null
        func text(_ key: String) -> String? { Self.text(json[key]) }
        self.recordType = record.recordType
        self.typeName = Self.typeName(record.recordType)
        self.title = record.operation ?? self.typeName
        self.user = record.userId
        self.recipients = []
        self.time = record.creationTimeText
        self.recordId = record.id
        self.link = text("EventDeepLink")
        switch record.recordType {
        case 28:
            let verdict = text("Verdict")
            let subject = text("Subject").map { " \"\($0)\"" } ?? ""
            self.title = "\(verdict ?? "Threat") email detected\(subject)"
            self.sender = text("P1Sender") ?? text("P2Sender")
            self.recipients = json["Recipients"]?.arrayValue?.compactMap { Self.text($0) } ?? []
            self.user = self.recipients.first ?? self.user
            self.severity = text("PhishConfidenceLevel")
            self.verdict = [verdict, text("DeliveryAction"), text("PolicyAction")].compactMap { $0 }.joined(separator: ", ")
        case 40:
            self.title = text("Name") ?? self.title
            self.severity = text("Severity")
            self.verdict = text("Status")
            self.user = text("AlertEntityId") ?? self.user
            self.link = self.link ?? json["AlertLinks"]?.arrayValue?.lazy.compactMap { Self.text($0["AlertLinkHref"]) }.first
        case 41:
            let url = text("Url") ?? text("URL")
            self.title = "Malicious URL clicked" + (url.map { ": \($0)" } ?? "")
            self.verdict = text("UrlClickAction") ?? text("URLClickAction")
        case 47:
            let file = json["FileData"]
            let name = Self.text(file?["FileName"])
            let family = Self.text(file?["MalwareFamily"])
            self.title = "Malicious file detected" + (name.map { ": \($0)" } ?? "") + (family.map { " (\($0))" } ?? "")
            self.user = text("LastModifiedBy") ?? self.user
            self.verdict = Self.fileVerdict(file?["FileVerdict"]?.int64Value)
        default:
            self.severity = text("Severity")
            self.verdict = text("Verdict") ?? text("Status")
        }
        if self.verdict?.isEmpty == true { self.verdict = nil }
    }

    /// FileVerdict: 0 Good, 1 Bad, -1 Error, -2 Timeout, -3 Pending (docs/management-api-notes.md).
    static func fileVerdict(_ value: Int64?) -> String? {
        switch value {
        case 0: "Good"
        case 1: "Bad"
        case -1: "Error"
        case -2: "Timeout"
        case -3: "Pending"
        case let other?: "FileVerdict \(other)"
        case nil: nil
        }
    }

    /// A string or number as text; nil for null, empty strings, objects and arrays.
    static func text(_ value: JSONValue?) -> String? {
        switch value {
        case .string(let text)?: text.isEmpty ? nil : text
        case .number(let text)?: text
        case .bool(let flag)?: flag ? "true" : "false"
        default: nil
        }
    }
}
