/// Which records a sink receives (`sinks[i].filter`). Every list that is set must match; nil lists match all.
public struct SinkFilter: Sendable {
    /// Audit `RecordType` numbers (`recordTypes`).
    public var recordTypes: [Int]?
    /// Content types (`contentTypes`).
    public var contentTypes: [ContentType]?
    /// `Workload` values such as `Exchange`, compared case-insensitively (`workloads`).
    public var workloads: [String]?
    /// `Operation` values such as `FileDownloaded`, compared case-insensitively (`operations`).
    public var operations: [String]?
    /// Tenant ids, lowercase GUIDs (`tenants`; the config may also name tenants by their `name`).
    public var tenants: [String]?

    /// Creates a filter; the default accepts every record.
    public init(recordTypes: [Int]? = nil, contentTypes: [ContentType]? = nil, workloads: [String]? = nil,
                operations: [String]? = nil, tenants: [String]? = nil) {
        self.recordTypes = recordTypes
        self.contentTypes = contentTypes
        self.workloads = workloads
        self.operations = operations
        self.tenants = tenants
    }

    /// True when no criterion is set, so every record passes.
    public var isEmpty: Bool {
        self.recordTypes == nil && self.contentTypes == nil && self.workloads == nil
            && self.operations == nil && self.tenants == nil
    }

    /// Whether a record with these attributes passes. A criterion that is set rejects a record that
    /// lacks the attribute (nil), because "only Exchange records" must not let unlabelled ones through.
    public func accepts(tenantId: String, contentType: ContentType, recordType: Int?,
                        workload: String?, operation: String?) -> Bool {
        if let tenants = self.tenants, !tenants.contains(tenantId.lowercased()) { return false }
        if let contentTypes = self.contentTypes, !contentTypes.contains(contentType) { return false }
        if let recordTypes = self.recordTypes {
            guard let recordType, recordTypes.contains(recordType) else { return false }
        }
        if let workloads = self.workloads, !Self.contains(workloads, workload) { return false }
        if let operations = self.operations, !Self.contains(operations, operation) { return false }
        return true
    }

    private static func contains(_ list: [String], _ value: String?) -> Bool {
        guard let value else { return false }
        return list.contains { $0.equalsIgnoringCase(value) }
    }
}

extension String {
    /// ASCII-case-insensitive equality, enough for Microsoft's English workload and operation names.
    func equalsIgnoringCase(_ other: String) -> Bool {
        self.lowercased() == other.lowercased()
    }
}
