import Synchronization

/// An async HTTP client on libcurl's multi interface, driven by one dedicated thread.
///
/// Connections are reused across requests (and multiplexed over HTTP/2 where offered); responses
/// are decompressed (gzip, deflate); TLS verification is always on. Call `shutdown()` before
/// releasing the client: queued and running requests then fail with `.shutdown`.
public final class HTTPClient: Sendable {
    public let configuration: HTTPClientConfiguration
    private let loop: CurlMultiLoop
    private let nextID = Atomic<Int>(1)

    public init(configuration: HTTPClientConfiguration = HTTPClientConfiguration()) throws {
        self.configuration = configuration
        self.loop = try CurlMultiLoop(configuration: configuration)
    }

    /// Sends `request` and collects the response body, failing with `.bodyTooLarge` past `maxBodyBytes`.
    public func execute(_ request: HTTPClientRequest, maxBodyBytes: Int = 16 << 20) async throws -> HTTPClientResponse {
        let id = self.nextID.add(1, ordering: .relaxed).oldValue
        let loop = self.loop
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                self.start(id: id, request, maxBodyBytes: maxBodyBytes, cancelled: cancelled) { continuation.resume(with: $0) }
            }
        } onCancel: {
            cancelled.set()
            _ = loop.send(.cancel(id))
        }
    }

    /// Sends `request` and calls `completion` exactly once, on the client's thread, with the collected
    /// response or the error. For high-volume callers that want no task hop per request; `completion`
    /// must return quickly and never block, because it runs on the thread that drives every transfer.
    public func execute(
        _ request: HTTPClientRequest, maxBodyBytes: Int = 16 << 20,
        completion: @escaping @Sendable (Result<HTTPClientResponse, HTTPClientError>) -> Void
    ) {
        self.start(id: self.nextID.add(1, ordering: .relaxed).oldValue, request, maxBodyBytes: maxBodyBytes,
                   cancelled: nil, completion: completion)
    }

    private func start(
        id: Int, _ request: HTTPClientRequest, maxBodyBytes: Int, cancelled: CancellationFlag?,
        completion: @escaping @Sendable (Result<HTTPClientResponse, HTTPClientError>) -> Void
    ) {
        let transfer = CurlTransfer(id: id, request: request, delivery: .collect(maxBytes: maxBodyBytes, completion: completion))
        transfer.cancelled = cancelled
        self.submit(transfer)
    }

    /// Sends `request` and returns as soon as the response head has arrived; the body is then read
    /// chunk by chunk from `response.body` with at most about `bufferBytes` held in memory.
    public func stream(_ request: HTTPClientRequest, bufferBytes: Int = 1 << 20) async throws -> HTTPStreamingResponse {
        let id = self.nextID.add(1, ordering: .relaxed).oldValue
        let loop = self.loop
        let cancelled = CancellationFlag()
        return try await withTaskCancellationHandler {
            try await withCheckedThrowingContinuation { continuation in
                let buffer = StreamBuffer(highWaterBytes: bufferBytes, unpause: { _ = loop.send(.unpause(id)) },
                                          cancel: { _ = loop.send(.cancel(id)) })
                let transfer = CurlTransfer(id: id, request: request, delivery: .stream(continuation, buffer))
                transfer.makeCancel = { { _ = loop.send(.cancel(id)) } }
                transfer.cancelled = cancelled
                self.submit(transfer)
            }
        } onCancel: {
            cancelled.set()
            _ = loop.send(.cancel(id))
        }
    }

    private func submit(_ transfer: CurlTransfer) {
        if !self.loop.send(.start(transfer)) {
            transfer.finish(HTTPClientError(.overloaded, "the HTTP client is shut down or its queue is full"))
        }
    }

    /// Stops the client's thread; requests still queued or running fail with `.shutdown`.
    public func shutdown() { self.loop.shutdown() }
}

/// Set when the caller's task is cancelled. The loop checks it before starting a transfer, which
/// covers a cancel command that overtook its own start command in the queue.
final class CancellationFlag: Sendable {
    private let value = Atomic<Bool>(false)
    func set() { self.value.store(true, ordering: .releasing) }
    var isSet: Bool { self.value.load(ordering: .acquiring) }
}
