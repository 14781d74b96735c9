import Foundation

/// `DLP.All` records (§7.5): RecordTypes 11 (ComplianceDLPSharePoint), 13 (ComplianceDLPExchange),
/// 33 (…SharePointClassification), 63 (DLPEndpoint) and 107 (…ExchangeClassification), with the
/// nested `PolicyDetails` → `Rules` → `ConditionsMatched` → `SensitiveInformation` shape.
///
/// `SensitiveInformationDetections` (the matched values) is always included: the simulator
/// refuses DLP.All without `ActivityFeed.ReadDlp` outright (§1.1), so every reader holds it.
extension ContentGenerator {
    mutating func dlpRecord(_ time: Date) -> [(String, JSONOutput)] {
        let recordType = self.random.pick([11, 13, 33, 63, 107])
        let exchange = recordType == 13 || recordType == 107
        let endpoint = recordType == 63
        let operation = recordType == 33 || recordType == 107 ? "DlpInfo" : self.random.pick(["DlpRuleMatch", "DlpRuleMatch", "DlpRuleUndo"])
        let workload = exchange ? "Exchange" : endpoint ? "Endpoint" : self.random.pick(["SharePoint", "OneDrive"])
        let user = self.user()
        var fields = self.common(recordType, endpoint ? "DlpRuleMatch" : operation, workload: workload, userId: "DlpAgent",
                                 userType: 4, time: time, objectId: exchange ? "<\(self.random.hex(16))@contoso.com>" : user,
                                 userKey: "DlpAgent", clientIP: "")
        fields.append(("IncidentId", .string(self.random.guid())))
        fields.append(("SensitiveInfoDetectionIsIncluded", .bool(true)))
        if exchange {
            fields.append(("ExchangeMetaData", .object([
                ("MessageID", .string("<\(self.random.hex(16))@contoso.com>")),
                ("From", .string(user)),
                ("To", .array([.string("partner@fabrikam.example")])),
                ("CC", .array([])), ("BCC", .array([])),
                ("Subject", .string("Customer list Q\(self.random.int(1...4))")),
                ("Sent", .string(SimTime.creationTime(time))),
                ("RecipientCount", .number(1)),
                ("FileSize", .number(self.random.int(2000...80000))),
                ("UniqueID", .string(self.random.guid())),
            ])))
        } else if endpoint {
            fields.append(("EndpointMetaData", .object([
                ("SensitiveInformation", .array([])),
                ("EnforcementMode", .string(String(self.random.int(1...5)))),
                ("FileExtension", .string("xlsx")),
                ("FileType", .string("Excel")),
                ("DeviceName", .string("LAPTOP-\(self.random.hex(6).uppercased())")),
            ])))
        } else {
            let file = "customers-\(self.random.int(1...99)).xlsx"
            fields.append(("SharePointMetaData", .object([
                ("From", .string(user)),
                ("itemCreationTime", .string(SimTime.creationTime(time))),
                ("SiteCollectionGuid", .string(self.random.guid())),
                ("SiteCollectionUrl", .string("https://contoso.sharepoint.com/sites/sales")),
                ("FileName", .string(file)),
                ("FileOwner", .string(user)),
                ("FilePathUrl", .string("https://contoso.sharepoint.com/sites/sales/Shared Documents/\(file)")),
                ("DocumentLastModifier", .string(user)),
                ("DocumentSharer", .string(user)),
                ("UniqueId", .string(self.random.guid())),
                ("LastModifiedTime", .string(SimTime.creationTime(time))),
                ("IsViewableByExternalUsers", .bool(self.random.chance(0.3))),
            ])))
        }
        if operation == "DlpRuleUndo" {
            fields.append(("ExceptionInfo", .object([
                ("Reason", .string("Override")), ("FalsePositive", .bool(false)),
                ("Justification", .string("Business justification")), ("Rules", .array([.string(self.random.guid())])),
            ])))
        }
        fields.append(("PolicyDetails", .array([self.policy()])))
        return fields
    }

    private mutating func policy() -> JSONOutput {
        let creditCard = self.random.chance(0.5)
        let detections: [JSONOutput] = (0..<self.random.int(1...3)).map { _ in
            .object([("Name", .string(creditCard ? "Credit Card Number" : "U.S. Social Security Number (SSN)")),
                     ("Value", .string(creditCard ? "4111 1111 1111 \(self.random.int(1000...9999))" : "078-05-\(self.random.int(1000...9999))"))])
        }
        let count = detections.count
        let sensitive = JSONOutput.object([
            ("Confidence", .number(self.random.pick([75, 85, 95]))),
            ("Count", .number(count)),
            ("Location", .string("Content")),
            ("SensitiveType", .string(creditCard ? "50842eb7-edc8-4019-85dd-5a5c1f2bb085" : "a44669fe-0d48-453d-a9b1-2cc83f2cba77")),
            ("SensitiveInformationTypeName", .string(creditCard ? "Credit Card Number" : "U.S. Social Security Number (SSN)")),
            ("UniqueCount", .number(count)),
            ("SensitiveInformationDetailedClassificationAttributes", .array([
                .object([("Confidence", .number(85)), ("Count", .number(count)), ("IsMatch", .bool(true))]),
            ])),
            ("SensitiveInformationDetections", .object([("DetectedValues", .array(detections)), ("ResultsTruncated", .bool(false))])),
        ])
        return .object([
            ("PolicyId", .string(self.random.guid())),
            ("PolicyName", .string(creditCard ? "PCI DSS" : "U.S. PII")),
            ("Rules", .array([.object([
                ("RuleId", .string(self.random.guid())),
                ("RuleName", .string("Content contains sensitive information")),
                ("Actions", .array([.string("NotifyUser"), .string("GenerateIncidentReport")])),
                ("ActionParameters", .array([])),
                ("OverriddenActions", .array([])),
                ("Severity", .string(self.random.pick(["Low", "Medium", "High"]))),
                ("RuleMode", .string("Enable")),
                ("ConditionsMatched", .object([
                    ("SensitiveInformation", .array([sensitive])),
                    ("DocumentProperties", .array([])),
                    ("OtherConditions", .array([])),
                ])),
            ])])),
        ])
    }
}
