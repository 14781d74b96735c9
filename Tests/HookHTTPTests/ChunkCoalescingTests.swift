@testable import HookHTTPClient
import Testing

/// Issue 14 (docs/tls-performance.md): pieces that arrive while the consumer is busy reach it joined into
/// chunks of up to 64 KB, whatever the framing (16 KB TLS records, HTTP/2 DATA frames).
@Suite struct ChunkCoalescingTests {
    @Test func piecesBufferedWhileTheConsumerIsBusyArriveJoinedUpTo64KBAndInOrder() async throws {
        let buffer = StreamBuffer(highWaterBytes: 1 << 20, unpause: {})
        var sent: [UInt8] = []
        for index in 0..<9 {  // nine 16 KB pieces, nobody reading yet
            let piece = [UInt8](repeating: UInt8(index), count: 16 << 10)
            sent += piece
            #expect(piece.withUnsafeBytes { buffer.offer($0) })
        }
        buffer.finish(nil)
        var sizes: [Int] = []
        var received: [UInt8] = []
        while let chunk = try await buffer.next() {
            sizes.append(chunk.count)
            received += chunk
        }
        #expect(sizes == [64 << 10, 64 << 10, 16 << 10])
        #expect(received == sent)
    }

    @Test func aPieceLargerThan64KBStaysWholeAndAWaitingConsumerGetsAPieceAtOnce() async throws {
        let buffer = StreamBuffer(highWaterBytes: 1 << 20, unpause: {})
        let big = [UInt8](repeating: 7, count: 100 << 10)
        #expect(big.withUnsafeBytes { buffer.offer($0) })
        #expect(try await buffer.next()?.count == 100 << 10)
        // A consumer already waiting is handed the next piece as it is, without waiting for more.
        async let next = buffer.next()
        while !buffer.hasWaiter { await Task.yield() }
        let small = [UInt8](repeating: 1, count: 100)
        #expect(small.withUnsafeBytes { buffer.offer($0) })
        #expect(try await next == small)
        buffer.finish(nil)
        #expect(try await buffer.next() == nil)
    }
}
