import Foundation
import HookCompression
import HookRecords

/// The entry format (docs/spool.md): a frame is `length: u32 LE`, `crc32(payload): u32 LE`, then the
/// payload; integers little-endian, strings as `u32 length` + UTF-8 (`0xFFFF_FFFF` for absent).
///
/// Payload: sequence u64 · appendedAt ms i64 · blobId i64 · offset i64 · flags u8 (1: recordType, 2:
/// creationTime) · recordType i64 · creationTime f64 bits · tenantId · contentType · contentId · Id ·
/// CreationTime text · Operation · Workload · OrganizationId · UserId · record bytes (u32 length + bytes).
enum SpoolCodec {
    static let frameHeader = 8
    /// No frame is larger: a record is at most a few megabytes (the splitter's bound is far lower).
    static let maxPayload = 64 << 20
    private static let absent: UInt32 = 0xFFFF_FFFF

    /// Appends one framed entry to `out`.
    static func encode(_ item: SpoolRecord, sequence: UInt64, appendedAt: Date, into out: inout [UInt8]) {
        let start = out.count
        out.append(contentsOf: [UInt8](repeating: 0, count: Self.frameHeader))
        let record = item.record
        Self.put(sequence, &out)
        Self.put(UInt64(bitPattern: Int64((appendedAt.timeIntervalSince1970 * 1000).rounded())), &out)
        Self.put(UInt64(bitPattern: item.origin.blobId), &out)
        Self.put(UInt64(bitPattern: Int64(record.offset)), &out)
        out.append((record.recordType != nil ? 1 : 0) | (record.creationTime != nil ? 2 : 0))
        Self.put(UInt64(bitPattern: Int64(record.recordType ?? 0)), &out)
        Self.put((record.creationTime?.timeIntervalSince1970 ?? 0).bitPattern, &out)
        for text in [item.origin.tenantId, item.origin.contentType, item.origin.contentId] { Self.put(text, &out) }
        for text in [record.id, record.creationTimeText, record.operation, record.workload, record.organizationId, record.userId] {
            Self.put(text, &out)
        }
        Self.put32(UInt32(record.bytes.count), &out)
        out.append(contentsOf: record.bytes)
        let payloadCount = out.count - start - Self.frameHeader
        let crc = out.withUnsafeBytes { CRC32.checksum(UnsafeRawBufferPointer(rebasing: $0[(start + Self.frameHeader)...])) }
        Self.store32(UInt32(payloadCount), &out, at: start)
        Self.store32(crc, &out, at: start + 4)
    }

    /// The payload length announced by a frame header, or nil when it cannot be a frame.
    static func payloadLength(_ header: UnsafeRawBufferPointer) -> Int? {
        guard header.count >= Self.frameHeader else { return nil }
        let length = Int(header.loadUnaligned(fromByteOffset: 0, as: UInt32.self).littleEndian)
        return length > 0 && length <= Self.maxPayload ? length : nil
    }

    /// Decodes one frame (`header` + `payload`); nil when its checksum or structure is wrong.
    static func decode(_ frame: UnsafeRawBufferPointer) -> SpoolEntry? {
        guard let length = Self.payloadLength(frame), frame.count == Self.frameHeader + length else { return nil }
        let crc = frame.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
        let payload = UnsafeRawBufferPointer(rebasing: frame[Self.frameHeader...])
        guard CRC32.checksum(payload) == crc else { return nil }
        var reader = Reader(buffer: payload)
        guard let sequence = reader.u64(), let appended = reader.u64(), let blobId = reader.u64(), let offset = reader.u64(),
              let flags = reader.u8(), let recordType = reader.u64(), let created = reader.u64(),
              let tenant = reader.text(), let contentType = reader.text(), let contentId = reader.text(),
              let id = reader.optionalText(), let createdText = reader.optionalText(), let operation = reader.optionalText(),
              let workload = reader.optionalText(), let organization = reader.optionalText(), let user = reader.optionalText(),
              let bytes = reader.bytes(), reader.atEnd
        else { return nil }
        _ = created  // CreationTime is parsed again from its text, exactly as the splitter did.
        let record = SplitRecord(bytes: bytes, offset: Int(Int64(bitPattern: offset)), id: id,
                                 recordType: flags & 1 != 0 ? Int(Int64(bitPattern: recordType)) : nil,
                                 creationTimeText: createdText, operation: operation, workload: workload,
                                 organizationId: organization, userId: user)
        return SpoolEntry(sequence: sequence, appendedAt: Date(timeIntervalSince1970: Double(Int64(bitPattern: appended)) / 1000),
                          origin: BlobSource(blobId: Int64(bitPattern: blobId), tenantId: tenant, contentType: contentType,
                                              contentId: contentId),
                          record: record, frameBytes: frame.count)
    }

    /// The sequence number of a frame without decoding the rest (the checksum is still checked).
    static func sequence(_ frame: UnsafeRawBufferPointer) -> UInt64? {
        guard let length = Self.payloadLength(frame), frame.count == Self.frameHeader + length, length >= 8 else { return nil }
        let crc = frame.loadUnaligned(fromByteOffset: 4, as: UInt32.self).littleEndian
        guard CRC32.checksum(UnsafeRawBufferPointer(rebasing: frame[Self.frameHeader...])) == crc else { return nil }
        return frame.loadUnaligned(fromByteOffset: Self.frameHeader, as: UInt64.self).littleEndian
    }

    private static func put(_ value: UInt64, _ out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func put32(_ value: UInt32, _ out: inout [UInt8]) {
        withUnsafeBytes(of: value.littleEndian) { out.append(contentsOf: $0) }
    }

    private static func store32(_ value: UInt32, _ out: inout [UInt8], at index: Int) {
        withUnsafeBytes(of: value.littleEndian) { bytes in for (i, byte) in bytes.enumerated() { out[index + i] = byte } }
    }

    private static func put(_ text: String?, _ out: inout [UInt8]) {
        guard let text else { return Self.put32(Self.absent, &out) }
        let utf8 = Array(text.utf8)
        Self.put32(UInt32(utf8.count), &out)
        out.append(contentsOf: utf8)
    }

    /// A bounds-checked cursor over a payload: every read fails (nil) rather than run past the end.
    private struct Reader {
        let buffer: UnsafeRawBufferPointer
        var position = 0

        var atEnd: Bool { self.position == self.buffer.count }

        mutating func u8() -> UInt8? {
            guard self.position < self.buffer.count else { return nil }
            defer { self.position += 1 }
            return self.buffer[self.position]
        }

        mutating func u64() -> UInt64? {
            guard self.buffer.count - self.position >= 8 else { return nil }
            defer { self.position += 8 }
            return self.buffer.loadUnaligned(fromByteOffset: self.position, as: UInt64.self).littleEndian
        }

        mutating func u32() -> UInt32? {
            guard self.buffer.count - self.position >= 4 else { return nil }
            defer { self.position += 4 }
            return self.buffer.loadUnaligned(fromByteOffset: self.position, as: UInt32.self).littleEndian
        }

        mutating func bytes() -> [UInt8]? {
            guard let length = self.u32().map(Int.init), length != Int(SpoolCodec.absent),
                  self.buffer.count - self.position >= length else { return nil }
            defer { self.position += length }
            return Array(self.buffer[self.position..<self.position + length])
        }

        mutating func text() -> String? {
            self.bytes().map { String(decoding: $0, as: UTF8.self) }
        }

        /// `.some(nil)` for an absent string, nil when the payload is malformed.
        mutating func optionalText() -> String?? {
            guard self.buffer.count - self.position >= 4 else { return nil }
            if self.buffer.loadUnaligned(fromByteOffset: self.position, as: UInt32.self).littleEndian == SpoolCodec.absent {
                self.position += 4
                return .some(nil)
            }
            return self.text().map { .some($0) }
        }
    }
}
