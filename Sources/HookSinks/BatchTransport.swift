/// The wire half of a sink: sends one request's worth of records. ``BatchingSink`` wraps a transport with
/// coalescing of concurrent deliveries, size limits, retries with back-off and metrics, so each transport
/// only knows its destination's protocol.
public protocol BatchTransport: Sendable {
    /// Coalescing bounds for one ``send(_:)``.
    var limits: BatchLimits { get }
    /// Sends the records of these batches (from one or more blobs) and returns once the destination accepted
    /// all of them. A transport that must split (e.g. on 413) does so itself before returning.
    func send(_ batches: [RecordBatch]) async throws(TransportError)
    /// Releases connections or files; called once, after the last `send`.
    func close() async
}

/// How much one request may carry, and how long a batcher may wait to fill it.
public struct BatchLimits: Sendable, Equatable {
    /// Most records per request.
    public var maxRecords: Int
    /// Most bytes of original record JSON per request (before any envelope or compression).
    public var maxBytes: Int
    /// How long a partial request may wait for more deliveries from other workers.
    public var linger: Duration

    /// Creates limits.
    public init(maxRecords: Int, maxBytes: Int, linger: Duration) {
        self.maxRecords = maxRecords
        self.maxBytes = maxBytes
        self.linger = linger
    }
}

/// What went wrong in one `send`; ``BatchingSink`` decides whether and when to retry.
public enum TransportError: Error, Sendable {
    /// Worth retrying (connection failure, 408, 429, 5xx, busy), after `retryAfter` if the server said so.
    case retryable(String, retryAfter: Duration?)
    /// Retrying the same request cannot help (400, 401, 403, a record the destination refuses).
    case permanent(String)

    /// The human message.
    public var message: String {
        switch self {
        case .retryable(let message, _), .permanent(let message): message
        }
    }
}
