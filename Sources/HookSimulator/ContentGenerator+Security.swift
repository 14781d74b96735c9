import Foundation

/// `Audit.General` records: Teams activity and the security record types 28, 40, 41 and 47 (§7.4),
/// with the observed wire spellings (string enums, CamelCase keys) rather than the documented ones.
extension ContentGenerator {
    mutating func generalRecord(_ time: Date) -> [(String, JSONOutput)] {
        switch self.random.int(0...4) {
        case 0: return self.threatIntelligenceMail(time)
        case 1: return self.securityComplianceAlert(time)
        case 2: return self.threatIntelligenceUrl(time)
        case 3: return self.atpContent(time)
        default: return self.teams(time)
        }
    }

    /// RecordType 25, MicrosoftTeams.
    private mutating func teams(_ time: Date) -> [(String, JSONOutput)] {
        var fields = self.common(25, self.random.pick(["MemberAdded", "TeamCreated", "MessageSent"]), workload: "MicrosoftTeams",
                                 userId: self.user(), userType: 0, time: time, objectId: "", clientIP: "")
        fields.append(("TeamName", .string("Project \(self.random.int(1...50))")))
        fields.append(("TeamGuid", .string("19:\(self.random.hex(32))@thread.tacv2")))
        fields.append(("CommunicationType", .string("Team")))
        return fields
    }

    /// RecordType 28, ThreatIntelligence: `TIMailData` (§7.4).
    private mutating func threatIntelligenceMail(_ time: Date) -> [(String, JSONOutput)] {
        let recipient = self.user()
        var fields = self.common(28, "TIMailData", workload: "ThreatIntelligence", userId: "ThreatIntel", userType: 4, time: time,
                                 objectId: "", userKey: "ThreatIntel", clientIP: "")
        let phish = self.random.chance(0.5)
        fields += [
            ("AttachmentData", .array(phish ? [] : [.object([
                ("FileName", .string("invoice-\(self.random.int(100...999)).zip")), ("FileType", .string("zip")),
                ("FileVerdict", .number(1)), ("MalwareFamily", .string("Trojan:Win32/Emotet")),
                ("SHA256", .string(self.random.hex(64))),
            ])])),
            ("DetectionType", .string(self.random.pick(["Inline", "Delayed", "ZAP"]))),
            ("DetectionMethod", .string(phish ? "Advanced filter" : "File detonation")),
            ("InternetMessageId", .string("<\(self.random.hex(20))@mail.example.net>")),
            ("NetworkMessageId", .string(self.random.guid())),
            ("P1Sender", .string("billing@\(self.random.hex(6)).example.net")),
            ("P2Sender", .string("billing@\(self.random.hex(6)).example.net")),
            ("Policy", .string(phish ? "HighConfidencePhish" : "Malware")),
            ("PolicyAction", .string("Quarantine")),
            ("Recipients", .array([.string(recipient)])),
            ("SenderIp", .string("203.0.113.\(self.random.int(1...254))")),
            ("Subject", .string(phish ? "Your mailbox is almost full" : "Invoice attached")),
            ("Verdict", .string(phish ? "Phish" : "Malware")),
            ("MessageTime", .string(SimTime.creationTime(time))),
            ("EventDeepLink", .string("https://security.microsoft.com/?hash=/threatexplorer?messageParams=\(self.random.guid())")),
            ("DeliveryAction", .string("Blocked")),
            ("OriginalDeliveryLocation", .string("Quarantine")),
            ("LatestDeliveryLocation", .string("Quarantine")),
            ("Directionality", .string("Inbound")),
            ("AuthDetails", .array([.object([("Name", .string("SPF")), ("Value", .string("Fail"))]),
                                    .object([("Name", .string("DKIM")), ("Value", .string("None"))])])),
            ("SystemOverrides", .array([])),
            ("PhishConfidenceLevel", phish ? .string("High") : .null),
        ]
        return fields
    }

    /// RecordType 40, SecurityComplianceAlerts; `Data` is a JSON-encoded string (§7.4).
    private mutating func securityComplianceAlert(_ time: Date) -> [(String, JSONOutput)] {
        var fields = self.common(40, self.random.pick(["AlertTriggered", "AlertEntityGenerated", "AlertUpdated"]),
                                 workload: "SecurityComplianceCenter", userId: "SecurityComplianceAlerts", userType: 4,
                                 time: time, objectId: self.random.guid(), userKey: "SecurityComplianceAlerts", clientIP: "")
        let alertId = self.random.guid()
        let data = JSONOutput.object([("od", .string(self.tenant)), ("id", .string(alertId)), ("f3u", .string(self.user())),
                                     ("ts", .string(SimTime.iso(time))), ("tdc", .string("1"))]).text
        fields += [
            ("AlertId", .string(alertId)), ("AlertType", .string(self.random.pick(["System", "Custom"]))),
            ("Name", .string("Email messages containing malicious URL removed after delivery")),
            ("PolicyId", .string(self.random.guid())),
            ("Status", .string(self.random.pick(["Active", "Investigating", "Resolved", "Dismissed"]))),
            ("Severity", .string(self.random.pick(["Low", "Medium", "High"]))),
            ("Category", .string("ThreatManagement")),
            ("Source", .string("Office 365 Security & Compliance")),
            ("Comments", .string("New alert")),
            ("Data", .string(data)),
            ("AlertEntityId", .string(self.user())),
            ("EntityType", .string(self.random.pick(["User", "Recipients", "Sender", "MalwareFamily"]))),
            ("AlertLinks", .array([.object([("AlertLinkType", .string("Default")),
                                            ("AlertLinkHref", .string("https://security.microsoft.com/alerts/\(alertId)"))])])),
        ]
        return fields
    }

    /// RecordType 41, ThreatIntelligenceUrl: `TIUrlClickData`, with the observed keys (§7.4).
    private mutating func threatIntelligenceUrl(_ time: Date) -> [(String, JSONOutput)] {
        let user = self.user()
        var fields = self.common(41, "TIUrlClickData", workload: "ThreatIntelligence", userId: user, userType: 0, time: time,
                                 objectId: "", userKey: "ThreatIntel", clientIP: "")
        fields += [
            ("AppName", .string(self.random.pick(["Outlook", "Teams", "Word"]))),
            ("AppVersion", .string("16.0.\(self.random.int(10000...19999)).20000")),
            ("SourceId", .string(self.random.guid())),
            ("TimeOfClick", .string(SimTime.creationTime(time))),
            ("Url", .string("https://\(self.random.hex(8)).example.org/login")),
            ("UrlClickAction", .string(self.random.pick(["Blockpage", "PendingDetonationPage", "BlockPageOverride"]))),
            ("UserIp", .string("198.51.100.\(self.random.int(1...254))")),
            ("EventDeepLink", .string("https://security.microsoft.com/?hash=/threatexplorer?urlParams=\(self.random.guid())")),
        ]
        return fields
    }

    /// RecordType 47, ThreatIntelligenceAtpContent: `AtpDetection` with `FileData` (§7.4).
    private mutating func atpContent(_ time: Date) -> [(String, JSONOutput)] {
        var fields = self.common(47, "AtpDetection", workload: "ThreatIntelligence", userId: "ThreatIntel", userType: 4, time: time,
                                 objectId: "", userKey: "ThreatIntel", clientIP: "")
        let name = "payload-\(self.random.int(1...999)).docm"
        fields += [
            ("FileData", .object([
                ("DocumentId", .number(self.random.int(1...99999))),
                ("FileName", .string(name)),
                ("FilePath", .string("https://contoso.sharepoint.com/sites/sales/Shared Documents/\(name)")),
                ("FileVerdict", .number(self.random.pick([1, 1, -1, -2, -3]))),
                ("MalwareFamily", .string("TrojanDownloader:O97M/Donoff")),
                ("SHA256", .string(self.random.hex(64))),
                ("FileSize", .number(self.random.int(1000...900_000))),
            ])),
            ("SourceWorkload", .number(self.random.int(0...2))),
            ("DetectionMethod", .string("ATP Safe Attachments")),
            ("LastModifiedDate", .string(SimTime.creationTime(time))),
            ("LastModifiedBy", .string(self.user())),
            ("EventDeepLink", .string("https://security.microsoft.com/?hash=/threatexplorer?fileParams=\(self.random.guid())")),
        ]
        return fields
    }
}
