import Dispatch
import HookConfig

/// `type: file`: JSON lines appended to a file, one record per line (its original bytes, or the envelope
/// `{"tenantId","contentType","contentId","record"}`), fsynced before `send` returns, rotated by size.
///
/// All file I/O runs on one dedicated serial DispatchQueue. The file is opened on the first send, so an
/// unwritable path shows up as the first delivery's permanent error, naming the path.
public final class FileTransport: BatchTransport {
    /// Coalescing bounds (default: 10,000 records or 8 MB per write, 5 ms linger).
    public let limits: BatchLimits
    /// The settings.
    public let configuration: FileSinkConfig
    private let queue: DispatchQueue
    /// Only touched from blocks on `queue`.
    private let file: JSONLinesFile

    /// The defaults: large writes, because one fsync per request is the cost that matters.
    public static let defaultLimits = BatchLimits(maxRecords: 10_000, maxBytes: 8 << 20, linger: .milliseconds(5))

    /// Creates the transport; nothing is opened yet.
    /// - Parameters:
    ///   - configuration: Path, envelope and rotation settings.
    ///   - limits: Coalescing bounds.
    public init(configuration: FileSinkConfig, limits: BatchLimits = FileTransport.defaultLimits) {
        self.configuration = configuration
        self.limits = limits
        self.queue = DispatchQueue(label: "activityhook.sink.file")
        self.file = JSONLinesFile(path: configuration.path, rotateBytes: configuration.rotateBytes)
    }

    /// Appends the batches' records as lines and returns after fsync.
    public func send(_ batches: [RecordBatch]) async throws(TransportError) {
        let lines = JSONLines.encode(batches, envelope: self.configuration.envelope)
        let file = self.file
        let result: Result<Void, TransportError> = await withCheckedContinuation { continuation in
            self.queue.async {
                continuation.resume(returning: Result { () throws(TransportError) in try file.append(lines) })
            }
        }
        try result.get()
    }

    /// Closes the file.
    public func close() async {
        let file = self.file
        await withCheckedContinuation { continuation in
            self.queue.async {
                file.close()
                continuation.resume()
            }
        }
    }
}
