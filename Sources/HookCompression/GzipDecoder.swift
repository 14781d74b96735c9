internal import CZlib

/// Bounded gzip decompression on zlib's `inflate`, for reading untrusted gzip bodies safely.
///
/// Owns its `z_stream` (at a fixed heap address, as zlib requires) and releases it in `deinit`.
final class GzipDecoder {
    private let stream: UnsafeMutablePointer<z_stream>
    private static let chunk = 64 * 1024

    init() throws(CompressionError) {
        self.stream = UnsafeMutablePointer<z_stream>.allocate(capacity: 1)
        self.stream.initialize(to: z_stream())
        // inflateInit2 is a macro too. windowBits 15 + 16 accepts only the gzip format (no zlib or raw data).
        let rc = ZLIB_VERSION.withCString { version in
            inflateInit2_(self.stream, 15 + 16, version, Int32(MemoryLayout<z_stream>.size))
        }
        do {
            try ZlibResult.check(rc, "inflateInit2", stream: self.stream)
        } catch {
            self.stream.deinitialize(count: 1)
            self.stream.deallocate()
            throw error
        }
    }

    deinit {
        // inflateEnd only fails (Z_STREAM_ERROR) for an inconsistent stream, which init rules out.
        _ = inflateEnd(self.stream)
        self.stream.deinitialize(count: 1)
        self.stream.deallocate()
    }

    /// Inflates one complete gzip member; fails past `limit` output bytes, on corrupt or truncated input,
    /// and on bytes after the member.
    func decompress(_ data: [UInt8], limit: Int) throws(CompressionError) -> [UInt8] {
        // avail_in is a 32-bit uInt; no body this module reads comes near 4 GiB.
        guard data.count <= Int(UInt32.max) else {
            throw CompressionError(.stream, "inflate: input of \(data.count) bytes exceeds 4 GiB")
        }
        var output: [UInt8] = []
        try data.withUnsafeBufferPointer { (input) throws(CompressionError) in
            self.stream.pointee.next_in = UnsafeMutablePointer(mutating: input.baseAddress)
            self.stream.pointee.avail_in = UInt32(input.count)
            defer {
                self.stream.pointee.next_in = nil
                self.stream.pointee.avail_in = 0
            }
            while true {
                // Never offer more room than the limit leaves (+1 to detect "one byte too many").
                let room = min(Self.chunk, limit - output.count + 1)
                let start = output.count
                output.append(contentsOf: repeatElement(0, count: room))
                var rc: Int32 = Z_OK
                let produced = output.withUnsafeMutableBufferPointer { buffer -> Int in
                    self.stream.pointee.next_out = buffer.baseAddress! + start
                    self.stream.pointee.avail_out = UInt32(room)
                    rc = inflate(self.stream, Z_NO_FLUSH)
                    let produced = room - Int(self.stream.pointee.avail_out)
                    self.stream.pointee.next_out = nil
                    self.stream.pointee.avail_out = 0
                    return produced
                }
                output.removeLast(room - produced)
                if output.count > limit {
                    throw CompressionError(.limitExceeded, "inflate: output exceeds \(limit) bytes")
                }
                if rc == Z_STREAM_END {
                    guard self.stream.pointee.avail_in == 0 else {
                        throw CompressionError(.data, "inflate: \(self.stream.pointee.avail_in) bytes after the gzip member")
                    }
                    return
                }
                // Z_BUF_ERROR with all input consumed and room left means the stream was cut short.
                if rc == Z_BUF_ERROR || (rc == Z_OK && self.stream.pointee.avail_in == 0 && produced < room) {
                    throw CompressionError(.truncated, "inflate: the input ended before the gzip trailer", zlibCode: Int(rc))
                }
                // Z_NEED_DICT cannot occur for gzip; report it (and any other code) through the chokepoint.
                try ZlibResult.check(rc, "inflate", stream: self.stream)
            }
        }
        return output
    }
}
