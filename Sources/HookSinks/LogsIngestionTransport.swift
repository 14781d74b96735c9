import Foundation
import HookConfig
import HookHTTPClient
import HookEntraAuth
import HookRetry
import Logging
import Synchronization

/// `type: logs-ingestion`: rows of `O365_CL` to the Azure Monitor Logs Ingestion API (Microsoft Sentinel).
///
/// `POST {endpoint}/dataCollectionRules/{dcr}/streams/{stream}?api-version=2023-01-01` with a bearer
/// token for the Azure Monitor audience, a gzip body holding a JSON array of rows (docs/sink-protocols.md, Logs Ingestion). Each
/// request is at most ``maxRequestBytes`` **before** compression, cut by the rows' real serialized size.
/// A 413 halves the request; 429, 5xx and connection failures are retryable with `Retry-After`; a 401
/// refreshes the token once. Rows already accepted (the last ``acceptedMemory`` records, by blob, `Id` and
/// `CreationTime`) are skipped when a partly delivered send is retried, so Sentinel gets each record once;
/// they are forgotten once the send succeeds, so a replayed blob is delivered again.
public final class LogsIngestionTransport: BatchTransport {
    /// The Logs Ingestion API's documented per-call limit ("1 MB"), read as 1,000,000 bytes of uncompressed JSON.
    public static let defaultMaxRequestBytes = 1_000_000
    /// The API version of the 2023-01-01 stable spec, the only one.
    public static let apiVersion = "2023-01-01"
    /// How many accepted record ids are remembered: two sends' worth at the default limits.
    public static let acceptedMemory = 10_000

    /// The sink's configured name (log metadata and error messages).
    public let name: String
    /// Coalescing bounds for one send.
    public let limits: BatchLimits
    /// Largest uncompressed request body.
    public let maxRequestBytes: Int
    let url: String
    /// `columns: legacy`: rows in the Data Collector API's column names (``LegacyColumnsRow``).
    let legacyColumns: Bool
    let tokens: TokenProvider
    let http: HTTPClient
    let logger: Logger
    let accepted = Mutex(RecentRecordIDs<AcceptedRecordKey>(capacity: LogsIngestionTransport.acceptedMemory))

    /// Creates the transport. `tokens` must be for the Azure Monitor audience (see ``tokenSettings(for:named:config:)``).
    ///
    /// The default `limits` keep one send to about one request: rows add roughly 450 bytes of columns to each
    /// record, so 650 KB of typical 1 KB records serialize to a little under 1 MB.
    public init(name: String, config: LogsIngestionSinkConfig, tokens: TokenProvider, http: HTTPClient, logger: Logger,
                limits: BatchLimits = BatchLimits(maxRecords: 5_000, maxBytes: 650_000, linger: .milliseconds(200)),
                maxRequestBytes: Int = LogsIngestionTransport.defaultMaxRequestBytes) {
        self.name = name
        self.limits = limits
        self.maxRequestBytes = maxRequestBytes
        let endpoint = config.endpoint.hasSuffix("/") ? String(config.endpoint.dropLast()) : config.endpoint
        self.legacyColumns = config.columns == .legacy
        self.url = "\(endpoint)/dataCollectionRules/\(config.dcrImmutableId)/streams/\(config.stream)?api-version=\(Self.apiVersion)"
        self.tokens = tokens
        self.http = http
        self.logger = logger
    }

    /// Sends every record of `batches` as rows, in as many requests as the size limit needs, one after another.
    /// Records that an earlier request of a failed send accepted are skipped (a retry after a partial failure).
    public func send(_ batches: [RecordBatch]) async throws(TransportError) {
        let now = Date()
        var request = IngestionRequestRows()
        for batch in batches {
            let fresh = self.accepted.withLock { accepted in
                batch.records.filter { AcceptedRecordKey($0, source: batch.source).map { !accepted.contains($0) } ?? true }
            }
            for record in fresh {
                let row = self.legacyColumns ? LegacyColumnsRow.encode(record, source: batch.source, ingestedAt: now)
                                             : LogsIngestionRow.encode(record, source: batch.source, ingestedAt: now)
                guard row.count + 2 <= self.maxRequestBytes else {
                    throw .permanent("record \(record.id ?? "without Id") makes a row of \(row.count) bytes, more than the "
                                     + "Logs Ingestion limit of \(self.maxRequestBytes) bytes per request")
                }
                if !request.rows.isEmpty && request.bodyBytes + 1 + row.count > self.maxRequestBytes {
                    try await self.post(request)
                    request = IngestionRequestRows()
                }
                request.append(row, key: AcceptedRecordKey(record, source: batch.source))
            }
        }
        if !request.rows.isEmpty { try await self.post(request) }
        // Delivered whole: nothing of it is retried now, and a later delivery (a replay) is sent again.
        self.accepted.withLock { accepted in
            for batch in batches {
                for record in batch.records { AcceptedRecordKey(record, source: batch.source).map { accepted.remove($0) } }
            }
        }
    }

    /// Nothing to release: the HTTP client and token provider belong to the caller.
    public func close() async {}
}
