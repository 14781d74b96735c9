import Synchronization

/// A streamed response: the head, and the body as an async sequence of chunks in arrival order.
///
/// Memory stays bounded: when more than `highWaterBytes` are buffered, the transfer is paused
/// (`CURL_WRITEFUNC_PAUSE`) until the consumer has read down to half of it. Dropping the response
/// before the body ends cancels the transfer.
public final class HTTPStreamingResponse: Sendable {
    public let head: HTTPClientResponseHead
    public let body: HTTPResponseBody
    private let token: CancelToken

    init(head: HTTPClientResponseHead, buffer: StreamBuffer, cancel: @escaping @Sendable () -> Void) {
        self.head = head
        self.body = HTTPResponseBody(buffer: buffer)
        self.token = CancelToken(buffer: buffer, cancel: cancel)
    }

    public var status: Int { self.head.status }
    public var headers: HTTPHeaders { self.head.headers }
}

/// The body chunks of a streamed response.
public struct HTTPResponseBody: AsyncSequence, Sendable {
    public typealias Element = [UInt8]
    let buffer: StreamBuffer

    public struct AsyncIterator: AsyncIteratorProtocol {
        let buffer: StreamBuffer
        public mutating func next() async throws -> [UInt8]? { try await self.buffer.next() }
    }

    public func makeAsyncIterator() -> AsyncIterator { AsyncIterator(buffer: self.buffer) }

    /// Collects the whole body, failing with `.bodyTooLarge` past `maxBytes`.
    public func collect(upTo maxBytes: Int) async throws -> [UInt8] {
        var out: [UInt8] = []
        for try await chunk in self {
            guard out.count + chunk.count <= maxBytes else {
                throw HTTPClientError(.bodyTooLarge, "response body exceeds \(maxBytes) bytes")
            }
            out.append(contentsOf: chunk)
        }
        return out
    }
}

/// Cancels the transfer when the consumer lets go of an unfinished response.
final class CancelToken: Sendable {
    let buffer: StreamBuffer
    let cancel: @Sendable () -> Void
    init(buffer: StreamBuffer, cancel: @escaping @Sendable () -> Void) {
        self.buffer = buffer
        self.cancel = cancel
    }
    deinit { if !self.buffer.isFinished { self.cancel() } }
}

/// The hand-off between libcurl's thread (producer) and the consumer task.
final class StreamBuffer: Sendable {
    struct State {
        var chunks: [[UInt8]] = []
        var head = 0
        var bufferedBytes = 0
        var paused = false
        var finished = false
        var failure: HTTPClientError?
        var waiter: CheckedContinuation<[UInt8]?, any Error>?
    }

    let highWaterBytes: Int
    /// Buffered pieces are joined up to this size.
    static let coalesceBytes = 64 << 10
    private let state = Mutex(State())
    /// Asks the curl thread to unpause the transfer; set before the first chunk arrives.
    let unpause: @Sendable () -> Void
    /// Asks the curl thread to end the transfer (the consumer was cancelled).
    let cancelTransfer: @Sendable () -> Void

    init(highWaterBytes: Int, unpause: @escaping @Sendable () -> Void, cancel: @escaping @Sendable () -> Void = {}) {
        self.highWaterBytes = highWaterBytes
        self.unpause = unpause
        self.cancelTransfer = cancel
    }

    var isFinished: Bool { self.state.withLock { $0.finished } }
    /// A consumer is waiting for the next piece (tests).
    var hasWaiter: Bool { self.state.withLock { $0.waiter != nil } }

    /// Producer: offers a chunk; false means "buffer full, pause and offer it again later".
    func offer(_ bytes: UnsafeRawBufferPointer) -> Bool {
        let waiter: CheckedContinuation<[UInt8]?, any Error>?
        let chunk: [UInt8]
        do {
            var accepted = true
            (waiter, chunk) = self.state.withLock { state -> (CheckedContinuation<[UInt8]?, any Error>?, [UInt8]) in
                if state.finished { return (nil, []) }  // cancelled by the consumer: the bytes are dropped
                if let waiter = state.waiter {
                    state.waiter = nil
                    return (waiter, Array(bytes))
                }
                if state.bufferedBytes >= self.highWaterBytes {
                    state.paused = true
                    accepted = false
                    return (nil, [])
                }
                // Small pieces (a TLS record is at most 16 KB, an HTTP/2 DATA frame often less) are joined
                // into chunks of up to `coalesceBytes` while the consumer is busy, so it pays its per-chunk
                // cost (a wake-up, a splitter call) once per 64 KB (docs/tls-performance.md).
                if state.head < state.chunks.count, state.chunks[state.chunks.count - 1].count + bytes.count <= Self.coalesceBytes {
                    state.chunks[state.chunks.count - 1].append(contentsOf: bytes)
                } else {
                    var chunk: [UInt8] = []
                    chunk.reserveCapacity(max(bytes.count, Self.coalesceBytes))
                    chunk.append(contentsOf: bytes)
                    state.chunks.append(chunk)
                }
                state.bufferedBytes += bytes.count
                return (nil, [])
            }
            if !accepted { return false }
        }
        waiter?.resume(returning: chunk)
        return true
    }

    /// Producer: the body ended, successfully (`failure == nil`) or not.
    func finish(_ failure: HTTPClientError?) {
        let waiter = self.state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
            state.finished = true
            state.failure = state.failure ?? failure  // a consumer's cancellation stays the outcome
            defer { state.waiter = nil }
            return state.waiter
        }
        if let failure { waiter?.resume(throwing: failure) } else { waiter?.resume(returning: nil) }
    }

    /// Consumer: the next chunk, nil at the end, or the transfer's error. Cancelling the consumer's task
    /// ends the transfer and fails this call with `.cancelled`, even while no byte is arriving.
    func next() async throws -> [UInt8]? {
        try await withTaskCancellationHandler {
            try await self.waitForChunk()
        } onCancel: {
            self.cancel()
        }
    }

    /// The consumer was cancelled: fail the waiter (now, or at its next call) and end the transfer.
    private func cancel() {
        let waiter = self.state.withLock { state -> CheckedContinuation<[UInt8]?, any Error>? in
            guard !state.finished else { return nil }
            state.finished = true
            state.failure = HTTPClientError(.cancelled, "the body's consumer was cancelled")
            state.chunks.removeAll()
            state.head = 0
            state.bufferedBytes = 0
            defer { state.waiter = nil }
            return state.waiter
        }
        waiter?.resume(throwing: HTTPClientError(.cancelled, "the body's consumer was cancelled"))
        self.cancelTransfer()
    }

    private func waitForChunk() async throws -> [UInt8]? {
        try await withCheckedThrowingContinuation { continuation in
            enum Outcome { case chunk([UInt8], unpause: Bool), end, fail(HTTPClientError), wait }
            let outcome: Outcome = self.state.withLock { state in
                if state.head < state.chunks.count {
                    let chunk = state.chunks[state.head]
                    state.head += 1
                    state.bufferedBytes -= chunk.count
                    if state.head == state.chunks.count { state.chunks.removeAll(keepingCapacity: true); state.head = 0 }
                    let wake = state.paused && state.bufferedBytes <= self.highWaterBytes / 2
                    if wake { state.paused = false }
                    return .chunk(chunk, unpause: wake)
                }
                if state.finished { return state.failure.map { .fail($0) } ?? .end }
                state.waiter = continuation
                if state.paused {
                    state.paused = false
                    return .chunk([], unpause: true)  // nothing buffered: wake the producer, then wait
                }
                return .wait
            }
            switch outcome {
            case .chunk(let chunk, let wake):
                if wake { self.unpause() }
                if !chunk.isEmpty { continuation.resume(returning: chunk) }
            case .end: continuation.resume(returning: nil)
            case .fail(let error): continuation.resume(throwing: error)
            case .wait: break
            }
        }
    }
}
