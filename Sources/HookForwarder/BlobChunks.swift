/// A blob's body as it arrives: byte chunks in order, type-erased so the processor does not care whether
/// they come from an HTTP stream (production) or memory (tests).
///
/// The sequence may be iterated once. It keeps `owner` (for HTTP, the streaming response, whose release
/// cancels the transfer) alive for as long as the sequence or its iterator is.
public struct BlobChunks: AsyncSequence, Sendable {
    /// A chunk of the body.
    public typealias Element = [UInt8]

    private let makeNext: @Sendable () -> Iterator

    /// Wraps any sendable sequence of chunks, retaining `owner` alongside.
    public init<Base: AsyncSequence & Sendable>(_ base: Base, retaining owner: (any Sendable)? = nil)
    where Base.Element == [UInt8] {
        self.makeNext = {
            let box = IteratorBox(base.makeAsyncIterator())
            return Iterator(owner: owner) { try await box.next() }
        }
    }

    /// A body held in memory, cut into `chunkSize`-byte chunks (tests, fixtures).
    public static func bytes(_ bytes: [UInt8], chunkSize: Int = 16 << 10) -> BlobChunks {
        let size = Swift.max(1, chunkSize)
        let chunks = stride(from: 0, to: bytes.count, by: size).map { Array(bytes[$0..<Swift.min($0 + size, bytes.count)]) }
        return BlobChunks(ChunkList(chunks: chunks))
    }

    /// Creates the iterator.
    public func makeAsyncIterator() -> Iterator { self.makeNext() }

    /// Yields the chunks in order.
    public struct Iterator: AsyncIteratorProtocol {
        let owner: (any Sendable)?
        let nextChunk: () async throws -> [UInt8]?

        /// The next chunk, nil at the end of the body, or the transfer's error.
        public mutating func next() async throws -> [UInt8]? { try await self.nextChunk() }
    }
}

/// Holds a base iterator by reference so the type-erased iterator's closure can advance it.
private final class IteratorBox<Base: AsyncIteratorProtocol> where Base.Element == [UInt8] {
    var base: Base
    init(_ base: Base) { self.base = base }
    func next() async throws -> [UInt8]? { try await self.base.next() }
}

/// An in-memory list of chunks as an async sequence.
private struct ChunkList: AsyncSequence, Sendable {
    typealias Element = [UInt8]
    let chunks: [[UInt8]]

    struct AsyncIterator: AsyncIteratorProtocol {
        var remaining: ArraySlice<[UInt8]>
        mutating func next() async throws -> [UInt8]? { self.remaining.popFirst() }
    }

    func makeAsyncIterator() -> AsyncIterator { AsyncIterator(remaining: self.chunks[...]) }
}
