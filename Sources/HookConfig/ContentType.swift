/// A Management Activity API content type. Raw values are the exact strings the API expects.
public enum ContentType: String, Sendable, CaseIterable, Hashable {
    /// Entra ID (Azure AD) audit records.
    case auditAzureActiveDirectory = "Audit.AzureActiveDirectory"
    /// Exchange audit records.
    case auditExchange = "Audit.Exchange"
    /// SharePoint and OneDrive audit records.
    case auditSharePoint = "Audit.SharePoint"
    /// Every other workload's audit records.
    case auditGeneral = "Audit.General"
    /// Data loss prevention events (needs the ActivityFeed.ReadDlp permission).
    case dlpAll = "DLP.All"

    /// Parses a content type case-insensitively (`audit.general` → `Audit.General`), as the API itself does.
    public init?(caseInsensitive text: String) {
        let lowered = text.lowercased()
        guard let match = ContentType.allCases.first(where: { $0.rawValue.lowercased() == lowered }) else {
            return nil
        }
        self = match
    }
}
