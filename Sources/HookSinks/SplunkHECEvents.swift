import Foundation
import HookConfig
import HookHTTPTypes
import HookRecords

/// The body of `POST /services/collector/event`: event objects concatenated with no enclosing array
/// (docs/sink-protocols.md, Splunk), `{"time":…,"host":…,"source":…,"sourcetype":…,"index":…,"event":<original record>}`.
/// Keys that are not configured are left out, and so is `time` when the record has no readable
/// `CreationTime` (HEC then uses the arrival time).
struct SplunkHECEvents {
    /// `"host":"…","source":"…",…` for the configured keys, each followed by a comma.
    let fixedKeys: [UInt8]
    /// Most bytes per request body.
    let maxBodyBytes: Int

    init(configuration: SplunkHECSinkConfig) {
        var fixed = ""
        for (key, value) in [("host", configuration.host), ("source", configuration.source),
                             ("sourcetype", configuration.sourcetype), ("index", configuration.index)] {
            if let value { fixed += "\"\(key)\":\"\(jsonEscaped(value))\"," }
        }
        self.fixedKeys = Array(fixed.utf8)
        self.maxBodyBytes = configuration.maxBatchBytes
    }

    /// The request bodies for `batches`, in record order, each at most `maxBodyBytes` unless a single
    /// event is larger by itself (it then travels alone: an event cannot be split across requests).
    func bodies(_ batches: [RecordBatch]) -> [[UInt8]] {
        var bodies: [[UInt8]] = []
        var body: [UInt8] = []
        body.reserveCapacity(min(self.maxBodyBytes, batches.reduce(0) { $0 + $1.byteCount } * 5 / 4))
        var event: [UInt8] = []
        for batch in batches {
            for record in batch.records {
                event.removeAll(keepingCapacity: true)
                self.append(record, to: &event)
                if !body.isEmpty, body.count + event.count > self.maxBodyBytes {
                    bodies.append(body)
                    body = []
                }
                body.append(contentsOf: event)
            }
        }
        if !body.isEmpty { bodies.append(body) }
        return bodies
    }

    /// One event object.
    func append(_ record: SplitRecord, to out: inout [UInt8]) {
        out.append(UInt8(ascii: "{"))
        if let time = record.creationTime {
            out.append(contentsOf: Array("\"time\":\(Self.epochSeconds(time)),".utf8))
        }
        out.append(contentsOf: self.fixedKeys)
        out.append(contentsOf: Array("\"event\":".utf8))
        out.append(contentsOf: record.bytes)
        out.append(UInt8(ascii: "}"))
    }

    /// Epoch seconds with milliseconds, `1435608199.000`, without floating-point noise.
    static func epochSeconds(_ date: Date) -> String {
        let milliseconds = Int64((date.timeIntervalSince1970 * 1000).rounded())
        let seconds = milliseconds.quotientAndRemainder(dividingBy: 1000)
        let fraction = abs(seconds.remainder)
        let padded = fraction < 10 ? "00\(fraction)" : fraction < 100 ? "0\(fraction)" : "\(fraction)"
        let sign = milliseconds < 0 && seconds.quotient == 0 ? "-" : ""
        return "\(sign)\(seconds.quotient).\(padded)"
    }
}
