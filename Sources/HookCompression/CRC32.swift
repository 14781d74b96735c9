internal import CZlib

/// CRC-32 (ISO-HDLC, the gzip and zlib one), computed by zlib: for the spool's per-entry checksums.
public enum CRC32 {
    /// The checksum of `bytes`, continuing from `initial` (0 for a fresh checksum).
    public static func checksum(_ bytes: UnsafeRawBufferPointer, initial: UInt32 = 0) -> UInt32 {
        guard let base = bytes.baseAddress, !bytes.isEmpty else { return initial }
        return UInt32(crc32_z(UInt(initial), base.assumingMemoryBound(to: UInt8.self), bytes.count))
    }

    /// The checksum of `bytes`.
    public static func checksum(_ bytes: [UInt8]) -> UInt32 {
        bytes.withUnsafeBytes { Self.checksum($0) }
    }
}
