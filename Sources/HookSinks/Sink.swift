import HookConfig
import HookRecords

/// Records of one blob on their way to one sink, in blob order; their bytes are the original ones.
public struct RecordBatch: Sendable {
    /// The blob the records came from.
    public var source: BlobSource
    /// The records, already de-duplicated and filtered for the sink.
    public var records: [SplitRecord]

    /// Creates a batch.
    public init(source: BlobSource, records: [SplitRecord]) {
        self.source = source
        self.records = records
    }

    /// Total bytes of the records' original JSON.
    public var byteCount: Int { self.records.reduce(0) { $0 + $1.bytes.count } }
}

/// A destination for audit records.
///
/// The forwarder routes with ``filter`` and calls ``deliver(_:)`` from many workers at once; a sink may
/// coalesce concurrent deliveries into one request (see ``BatchingSink``). `deliver` returns only when
/// the destination has **durably accepted every record** of the batch (fsync done, 2xx received, indexer
/// acknowledgement seen when enabled): the forwarder records the sink's progress on the blob right after,
/// and a blob is done only when every matching sink returned.
public protocol Sink: Sendable {
    /// The configured name: metrics label, ledger progress key, log metadata.
    var name: String { get }
    /// Which records this sink receives; the forwarder applies it per record.
    var filter: SinkFilter { get }
    /// Delivers the batch and returns once all of it is accepted. Throws ``SinkError`` when the destination
    /// did not take it within this call's retry budget: the blob then stays pending for this sink only.
    func deliver(_ batch: RecordBatch) async throws
    /// Graceful stop: finishes in-flight deliveries, then releases files and connections.
    func shutdown() async
}
