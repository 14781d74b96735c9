/// Where a record came from: the blob that holds it in the ledger. Carried by the spool's entries and by
/// the batches handed to sinks.
public struct BlobSource: Sendable, Hashable {
    /// Ledger id of the blob (per-sink progress is stored against it).
    public var blobId: Int64
    /// Tenant GUID, lowercase.
    public var tenantId: String
    /// Content type such as `Audit.General`.
    public var contentType: String
    /// Microsoft's `contentId` of the blob.
    public var contentId: String

    /// Creates a source.
    public init(blobId: Int64, tenantId: String, contentType: String, contentId: String) {
        self.blobId = blobId
        self.tenantId = tenantId
        self.contentType = contentType
        self.contentId = contentId
    }
}
