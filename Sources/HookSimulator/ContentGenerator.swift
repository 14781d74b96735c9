import Foundation

/// Makes audit records and whole blob bodies for one tenant (§7), with the quirks seen in
/// practice: `CreationTime` without a zone, numbers sent as strings, `ClientIP` with a port or
/// `"<null>"`, and a varying key order.
///
/// Large blobs (up to 100,000 records, about 100 MB) are built from a few hundred rendered
/// templates, each copied with a fresh `Id` patched in place, so generation runs at memory speed.
struct ContentGenerator {
    let settings: SimulatorSettings
    let tenant: String
    var random: SimRandom

    /// Distinct records rendered per blob; bigger blobs repeat them with new ids.
    static let templateCount = 256
    static let padAlphabet = Array("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/")

    /// One record, rendered. `availableAt` is the blob's time; events happened before it.
    mutating func record(_ contentType: SimContentType, availableAt: Date) -> [UInt8] {
        let eventTime = availableAt.addingTimeInterval(-Double(self.random.int(0...5400)))
        var fields: [(String, JSONOutput)]
        switch contentType {
        case .azureActiveDirectory: fields = self.azureADRecord(eventTime)
        case .exchange: fields = self.exchangeRecord(eventTime)
        case .sharePoint: fields = self.sharePointRecord(eventTime)
        case .general: fields = self.generalRecord(eventTime)
        case .dlp: fields = self.dlpRecord(eventTime)
        }
        if self.settings.recordPadBytes > 0 {
            // Real records often carry long ExtendedProperties / ModifiedProperties; benchmarks use this to
            // reach a realistic ~1 KB per record.
            let pad = String((0..<self.settings.recordPadBytes).map { _ in Self.padAlphabet.randomElement(using: &self.random)! })
            fields.append(("ExtendedProperties", .array([.object([("Name", .string("RequestContext")), ("Value", .string(pad))])])))
        }
        if self.settings.shuffleKeys && self.random.chance(0.5) { fields.shuffle(using: &self.random) }
        return JSONOutput.object(fields).bytes
    }

    /// A blob body: a JSON array of `count` records. `recent` holds records of earlier blobs of
    /// the same subscription, repeated here with `duplicateRecordRate` (duplicates across blobs).
    mutating func blob(_ contentType: SimContentType, count: Int, availableAt: Date, recent: [[UInt8]]) -> (body: [UInt8], sample: [[UInt8]]) {
        let distinct = min(count, Self.templateCount)
        var templates: [[UInt8]] = []
        templates.reserveCapacity(distinct)
        for _ in 0..<distinct { templates.append(self.record(contentType, availableAt: availableAt)) }
        var body: [UInt8] = []
        body.reserveCapacity(templates.reduce(0) { $0 + $1.count + 1 } * (count / max(1, distinct) + 1) + 2)
        body.append(UInt8(ascii: "["))
        for index in 0..<count {
            if index > 0 { body.append(UInt8(ascii: ",")) }
            if !recent.isEmpty && self.random.chance(self.settings.duplicateRecordRate) {
                body.append(contentsOf: self.random.pick(recent))
            } else if index < distinct {
                body.append(contentsOf: templates[index])
            } else {
                let start = body.count
                body.append(contentsOf: templates[index % distinct])
                self.patchId(&body, from: start)
            }
        }
        body.append(UInt8(ascii: "]"))
        return (body, Array(templates.prefix(16)))
    }

    /// Overwrites the 36-character value of the first `"Id":"…"` after `start` with a new GUID.
    private mutating func patchId(_ body: inout [UInt8], from start: Int) {
        let marker = Array(#""Id":""#.utf8)
        var index = start
        let end = body.count - marker.count - 36
        while index <= end {
            if body[index] == marker[0] && body[index + 1] == marker[1] && body[index + 2] == marker[2]
                && body[index + 3] == marker[3] && body[index + 4] == marker[4] && body[index + 5] == marker[5] {
                let guid = Array(self.random.guid().utf8)
                body.replaceSubrange((index + 6)..<(index + 42), with: guid)
                return
            }
            index += 1
        }
    }

    // MARK: - Common schema (§7.1)

    /// The common fields every record carries.
    mutating func common(_ recordType: Int, _ operation: String, workload: String, userId: String, userType: Int,
                         time: Date, objectId: String, resultStatus: String = "Succeeded", userKey: String? = nil,
                         clientIP: String? = nil) -> [(String, JSONOutput)] {
        [
            ("CreationTime", .string(SimTime.creationTime(time))),
            ("Id", .string(self.random.guid())),
            ("Operation", .string(operation)),
            ("OrganizationId", .string(self.tenant)),
            ("RecordType", self.number(recordType)),
            ("ResultStatus", .string(resultStatus)),
            ("UserKey", .string(userKey ?? String(self.random.next() % 10_000_000_000_000_000))),
            ("UserType", self.number(userType)),
            ("Version", .number(1)),
            ("Workload", .string(workload)),
            ("ClientIP", .string(clientIP ?? self.clientIP())),
            ("ObjectId", .string(objectId)),
            ("UserId", .string(userId)),
        ]
    }

    /// An Int32 enum value; sometimes a string, as some feeds send it (§7.1).
    mutating func number(_ value: Int) -> JSONOutput {
        self.random.chance(self.settings.stringNumberRate) ? .string(String(value)) : .number(value)
    }

    /// An IPv4 address, or one of the observed oddities: `ip:port`, `[v6]:port`, `""`, `"<null>"`.
    mutating func clientIP() -> String {
        let plain = "\(self.random.int(20...223)).\(self.random.int(0...255)).\(self.random.int(0...255)).\(self.random.int(1...254))"
        guard self.random.chance(self.settings.clientIPQuirkRate) else { return plain }
        switch self.random.int(0...3) {
        case 0: return "\(plain):\(self.random.int(1024...65535))"
        case 1: return "[fdfd::\(self.random.hex(3))]:\(self.random.int(1024...65535))"
        case 2: return ""
        default: return "<null>"
        }
    }

    mutating func user() -> String {
        "\(self.random.pick(["adele", "alex", "megan", "nestor", "lidia", "pradeep", "diego"])).\(self.random.int(1...99))@contoso.onmicrosoft.com"
    }

    // MARK: - Audit workloads

    private mutating func azureADRecord(_ time: Date) -> [(String, JSONOutput)] {
        let recordType = self.random.pick([15, 15, 8, 9])
        let operation = recordType == 8 ? self.random.pick(["Add user.", "Update user.", "Add member to role."]) : "UserLoggedIn"
        let user = self.user()
        var fields = self.common(recordType, operation, workload: "AzureActiveDirectory", userId: user,
                                 userType: self.random.pick([0, 0, 2]), time: time, objectId: self.random.guid(),
                                 resultStatus: self.random.pick(["Success", "Succeeded", "Failed"]))
        fields.append(("AzureActiveDirectoryEventType", .number(recordType == 8 ? 1 : 0)))
        fields.append(("ExtendedProperties", .array([
            .object([("Name", .string("UserAgent")), ("Value", .string("Mozilla/5.0 (Windows NT 10.0; Win64; x64)"))]),
            .object([("Name", .string("RequestType")), ("Value", .string("OAuth2:Authorize"))]),
        ])))
        fields.append(("Actor", .array([.object([("ID", .string(user)), ("Type", .number(5))])])))
        fields.append(("ActorContextId", .string(self.tenant)))
        fields.append(("ApplicationId", .string(self.random.guid())))
        fields.append(("InterSystemsId", .string(self.random.guid())))
        fields.append(("IntraSystemId", .string(self.random.guid())))
        fields.append(("Target", .array([.object([("ID", .string(self.random.guid())), ("Type", .number(0))])])))
        fields.append(("TargetContextId", .string(self.tenant)))
        return fields
    }

    private mutating func exchangeRecord(_ time: Date) -> [(String, JSONOutput)] {
        let admin = self.random.chance(0.3)
        let user = self.user()
        var fields = self.common(admin ? 1 : self.random.pick([2, 50]), admin ? "Set-Mailbox" : "MailItemsAccessed",
                                 workload: "Exchange", userId: user, userType: admin ? 2 : 0, time: time,
                                 objectId: admin ? user : "", resultStatus: admin ? "True" : "Succeeded")
        fields.append(("ExternalAccess", .bool(false)))
        fields.append(("OrganizationName", .string("contoso.onmicrosoft.com")))
        fields.append(("OriginatingServer", .string("AM\(self.random.int(1...9))PR0\(self.random.int(1...9))MB\(self.random.int(1000...9999)) (15.20.7000.000)")))
        if admin {
            fields.append(("Parameters", .array([
                .object([("Name", .string("Identity")), ("Value", .string(user))]),
                .object([("Name", .string("AuditEnabled")), ("Value", .string("True"))]),
            ])))
        } else {
            fields.append(("MailboxGuid", .string(self.random.guid())))
            fields.append(("MailboxOwnerUPN", .string(user)))
            fields.append(("LogonType", .number(0)))
            fields.append(("OperationCount", .number(self.random.int(1...40))))
        }
        return fields
    }

    private mutating func sharePointRecord(_ time: Date) -> [(String, JSONOutput)] {
        let file = "\(self.random.pick(["Budget", "Roadmap", "Contract", "Notes"]))-\(self.random.int(1...999)).\(self.random.pick(["docx", "xlsx", "pdf"]))"
        let site = "https://contoso.sharepoint.com/sites/\(self.random.pick(["finance", "hr", "sales"]))"
        let oneDrive = self.random.chance(0.25)
        var fields = self.common(oneDrive ? 7 : self.random.pick([6, 6, 4, 14]),
                                 self.random.pick(["FileAccessed", "FileModified", "FileDownloaded", "SharingSet"]),
                                 workload: oneDrive ? "OneDrive" : "SharePoint", userId: self.user(), userType: 0, time: time,
                                 objectId: "\(site)/Shared Documents/\(file)")
        fields.append(("EventSource", .string("SharePoint")))
        fields.append(("ItemType", .string("File")))
        fields.append(("ListId", .string(self.random.guid())))
        fields.append(("Site", .string(self.random.guid())))
        fields.append(("SiteUrl", .string(site + "/")))
        fields.append(("SourceFileExtension", .string(String(file.split(separator: ".").last ?? ""))))
        fields.append(("SourceFileName", .string(file)))
        fields.append(("SourceRelativeUrl", .string("Shared Documents")))
        fields.append(("UserAgent", .string("Microsoft Office Word 2014")))
        return fields
    }
}
