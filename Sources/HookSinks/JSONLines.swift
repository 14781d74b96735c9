import HookHTTPTypes
import HookRecords
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// JSON-lines encoding shared by the file and stdout sinks: one record per line, either its original
/// bytes or `{"tenantId":…,"contentType":…,"contentId":…,"record":<original bytes>}`.
enum JSONLines {
    /// The lines of every record of `batches`, each ending in `\n`.
    static func encode(_ batches: [RecordBatch], envelope: Bool) -> [UInt8] {
        var capacity = 0
        for batch in batches { capacity += batch.byteCount + batch.records.count * (envelope ? 160 : 1) }
        var out: [UInt8] = []
        out.reserveCapacity(capacity)
        for batch in batches {
            let prefix = envelope ? Self.envelopePrefix(batch.source) : []
            for record in batch.records {
                out.append(contentsOf: prefix)
                Self.appendRecord(record.bytes, to: &out)
                if envelope { out.append(UInt8(ascii: "}")) }
                out.append(UInt8(ascii: "\n"))
            }
        }
        return out
    }

    /// `{"tenantId":"…","contentType":"…","contentId":"…","record":`.
    static func envelopePrefix(_ source: BlobSource) -> [UInt8] {
        Array(#"{"tenantId":"\#(jsonEscaped(source.tenantId))","contentType":"\#(jsonEscaped(source.contentType))","contentId":"\#(jsonEscaped(source.contentId))","record":"#.utf8)
    }

    /// Appends the record's bytes. A raw line break can only be insignificant whitespace between tokens
    /// (JSON strings must escape it), so a record that has one, which Microsoft's compact blobs never do,
    /// gets a space there instead: the JSON value is unchanged and the line stays one line.
    static func appendRecord(_ bytes: [UInt8], to out: inout [UInt8]) {
        // memchr: this check runs over every byte the sink writes.
        let hasLineBreak = bytes.withUnsafeBytes { buffer in
            guard let base = buffer.baseAddress else { return false }
            return memchr(base, 0x0A, buffer.count) != nil || memchr(base, 0x0D, buffer.count) != nil
        }
        guard hasLineBreak else {
            out.append(contentsOf: bytes)
            return
        }
        out.append(contentsOf: bytes.lazy.map { $0 == 0x0A || $0 == 0x0D ? UInt8(ascii: " ") : $0 })
    }
}
