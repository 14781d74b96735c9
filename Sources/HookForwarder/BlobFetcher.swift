import HookLedger
import HookManagementAPI

/// Opens a leased blob's content for streaming.
public protocol BlobFetcher: Sendable {
    /// Starts the GET and returns once the body can be read. Throws ``ManagementAPIError`` for an error
    /// answer (AF20050/51/52 are permanent), or a transport error.
    func open(_ blob: LeasedBlob) async throws -> BlobChunks
}

/// The production fetcher: `ManagementAPIClient.streamBlob` with the blob's tenant's client, so blob GETs
/// share that tenant's request budget, token cache and clock-skew tracker with every other caller.
public struct ManagementAPIBlobFetcher: BlobFetcher {
    private let clients: [String: ManagementAPIClient]
    private let bufferBytes: Int

    /// One client per tenant, keyed by lowercase tenant id. `bufferBytes` bounds what the HTTP layer holds
    /// ahead of the splitter (the transfer pauses above it).
    public init(clients: [String: ManagementAPIClient], bufferBytes: Int = 512 << 10) {
        self.clients = Dictionary(clients.map { ($0.key.lowercased(), $0.value) }) { first, _ in first }
        self.bufferBytes = bufferBytes
    }

    /// The clients of `ManagementAPIClient.makeAll`, keyed by their own tenant id.
    public init(clients: [ManagementAPIClient], bufferBytes: Int = 512 << 10) {
        self.init(clients: Dictionary(clients.map { ($0.settings.tenantId, $0) }) { first, _ in first }, bufferBytes: bufferBytes)
    }

    public func open(_ blob: LeasedBlob) async throws -> BlobChunks {
        guard let client = self.clients[blob.notice.tenantId.lowercased()] else {
            // Not permanent: the tenant may be back in the config after the next restart.
            throw ManagementAPIError(status: 0, code: nil, message: "tenant \(blob.notice.tenantId) is not configured",
                                     operation: "blob", errorClass: .retry)
        }
        let response = try await client.streamBlob(blob.notice.contentUri, bufferBytes: self.bufferBytes)
        return BlobChunks(response.body, retaining: response)
    }
}
