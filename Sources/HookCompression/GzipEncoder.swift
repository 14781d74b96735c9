internal import CZlib

/// Streaming gzip (RFC 1952) compression on zlib's `deflate`.
///
/// Append input in as many pieces as convenient, then call ``finish()`` once for the complete gzip
/// member. The encoder owns its `z_stream` and releases it in `deinit`. Not thread-safe: one owner at a time.
public final class GzipEncoder {
    /// zlib keeps a back pointer to the `z_stream` in its internal state and refuses a stream that moved
    /// ("deflateStateCheck": `s->strm != strm` is a Z_STREAM_ERROR), so it lives at a fixed heap address.
    private let stream: UnsafeMutablePointer<z_stream>
    private var output: [UInt8] = []
    private var finished = false
    private static let chunk = 64 * 1024

    /// Starts a gzip member. `level` is 0 (store) … 9 (smallest); the default 6 is zlib's own balance.
    public init(level: Int = 6) throws(CompressionError) {
        guard (0...9).contains(level) else {
            throw CompressionError(.stream, "deflateInit2: level \(level) is outside 0...9")
        }
        self.stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        // zalloc/zfree/opaque "must be initialized before by the caller"; Z_NULL selects malloc/free.
        self.stream.initialize(to: z_stream())
        // deflateInit2 is a macro; its function takes the header's version and struct size so a mismatched
        // library answers Z_VERSION_ERROR instead of corrupting memory. windowBits 15 + 16 writes a gzip
        // wrapper ("a simple gzip header and trailer ... instead of a zlib wrapper"); memLevel 8 is the default.
        let rc = ZLIB_VERSION.withCString { version in
            deflateInit2_(self.stream, Int32(level), Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY,
                          version, Int32(MemoryLayout<z_stream>.size))
        }
        do {
            try ZlibResult.check(rc, "deflateInit2", stream: self.stream)
        } catch {
            self.stream.deinitialize(count: 1)
            self.stream.deallocate()
            throw error
        }
    }

    deinit {
        // deflateEnd frees zlib's state whatever it holds; its Z_DATA_ERROR ("freed prematurely") only
        // reports that the stream was not finished, which is expected when an encoder is abandoned.
        _ = deflateEnd(self.stream)
        self.stream.deinitialize(count: 1)
        self.stream.deallocate()
    }

    /// Compresses `bytes`; the compressed output accumulates until ``finish()``.
    public func append(_ bytes: [UInt8]) throws(CompressionError) {
        guard !self.finished else { throw CompressionError(.stream, "append after finish") }
        guard !bytes.isEmpty else { return }
        try bytes.withUnsafeBufferPointer { (input) throws(CompressionError) in
            // avail_in is a 32-bit uInt: feed very large inputs in pieces.
            var offset = 0
            while offset < input.count {
                let end = min(input.count, offset + (1 << 30))
                try self.run(UnsafeBufferPointer(rebasing: input[offset..<end]), flush: Z_NO_FLUSH)
                offset = end
            }
        }
    }

    /// Ends the gzip member (CRC-32 and length trailer) and returns all compressed bytes.
    public func finish() throws(CompressionError) -> [UInt8] {
        guard !self.finished else { throw CompressionError(.stream, "finish called twice") }
        try self.run(UnsafeBufferPointer(start: nil, count: 0), flush: Z_FINISH)
        self.finished = true
        defer { self.output = [] }
        return self.output
    }

    /// Feeds `input` to deflate until it is consumed (and, with Z_FINISH, until Z_STREAM_END).
    private func run(_ input: UnsafeBufferPointer<UInt8>, flush: Int32) throws(CompressionError) {
        // next_in is `z_const Bytef *`, which Swift sees as mutable; deflate never writes through it.
        self.stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
        self.stream.pointee.avail_in = UInt32(input.count)
        defer {
            self.stream.pointee.next_in = nil
            self.stream.pointee.avail_in = 0
        }
        while true {
            let start = self.output.count
            self.output.append(contentsOf: repeatElement(0, count: Self.chunk))
            var rc: Int32 = Z_OK
            let produced = self.output.withUnsafeMutableBufferPointer { buffer -> Int in
                self.stream.pointee.next_out = buffer.baseAddress! + start
                self.stream.pointee.avail_out = UInt32(Self.chunk)
                rc = deflate(self.stream, flush)
                let produced = Self.chunk - Int(self.stream.pointee.avail_out)
                self.stream.pointee.next_out = nil
                self.stream.pointee.avail_out = 0
                return produced
            }
            self.output.removeLast(Self.chunk - produced)
            // Z_BUF_ERROR "is not fatal": deflate merely had nothing to do with this call's buffers.
            try ZlibResult.check(rc, "deflate", stream: self.stream, accepting: [Z_STREAM_END, Z_BUF_ERROR])
            if flush == Z_FINISH {
                if rc == Z_STREAM_END { return }
            } else if self.stream.pointee.avail_in == 0 && produced < Self.chunk {
                return
            }
        }
    }
}
