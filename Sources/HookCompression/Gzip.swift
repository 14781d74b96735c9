/// One-shot gzip helpers on ``GzipEncoder`` and a bounded decoder.
public enum Gzip {
    /// The gzip (RFC 1952) form of `bytes`, readable by `gzip -d`. `level` is 0…9.
    public static func compress(_ bytes: [UInt8], level: Int = 6) throws(CompressionError) -> [UInt8] {
        let encoder = try GzipEncoder(level: level)
        try encoder.append(bytes)
        return try encoder.finish()
    }

    /// The decompressed bytes of one gzip member, refusing to produce more than `limit` bytes (a small
    /// body cannot inflate into an unbounded one). Throws on corrupt, truncated or trailing data.
    public static func decompress(_ bytes: [UInt8], limit: Int) throws(CompressionError) -> [UInt8] {
        guard limit >= 0 else { throw CompressionError(.stream, "decompress: negative limit \(limit)") }
        return try GzipDecoder().decompress(bytes, limit: limit)
    }
}
