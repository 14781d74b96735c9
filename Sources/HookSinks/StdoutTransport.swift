import Dispatch

/// `type: stdout`: JSON lines on standard output for containers, one record per line in the envelope form
/// `{"tenantId":…,"contentType":…,"contentId":…,"record":<original bytes>}`, so a log collector reading many
/// tenants' output still knows where each record came from.
///
/// Each send is one unbuffered write(2) sequence on a dedicated serial queue: the lines are handed to the
/// pipe or terminal before `send` returns (there is nothing to fsync on a pipe).
public final class StdoutTransport: BatchTransport {
    /// Coalescing bounds (default: 1,000 records or 1 MB per write, 5 ms linger).
    public let limits: BatchLimits
    private let fileDescriptor: Int32
    private let queue = DispatchQueue(label: "activityhook.sink.stdout")

    /// The defaults.
    public static let defaultLimits = BatchLimits(maxRecords: 1_000, maxBytes: 1 << 20, linger: .milliseconds(5))

    /// Creates the transport.
    /// - Parameters:
    ///   - fileDescriptor: Where to write; standard output (1) unless a test passes another descriptor,
    ///     which the transport does not own and never closes.
    ///   - limits: Coalescing bounds.
    public init(fileDescriptor: Int32 = 1, limits: BatchLimits = StdoutTransport.defaultLimits) {
        self.fileDescriptor = fileDescriptor
        self.limits = limits
    }

    /// Writes the batches' records as envelope lines.
    public func send(_ batches: [RecordBatch]) async throws(TransportError) {
        let lines = JSONLines.encode(batches, envelope: true)
        let fd = self.fileDescriptor
        let result: Result<Void, TransportError> = await withCheckedContinuation { continuation in
            self.queue.async {
                continuation.resume(returning: Result { () throws(TransportError) in try FileIO.writeAll(fd, lines, "standard output") })
            }
        }
        try result.get()
    }

    /// Nothing to release: standard output stays open for the process's own logs.
    public func close() async {}
}
