import Foundation
import HookConfig
import HookHTTPTypes
import HookLedger
import HookSpool

extension Status {
    /// One configured sink: its delivery state, its cursor's lag behind the spool's end, and its backlog of
    /// blobs (not done, not accepted by it yet). docs/spool.md.
    struct SinkRow {
        var name: String
        var type: String
        var state: SinkDeliveryState
        var since: Date?
        var message: String?
        var lagEntries: UInt64
        var lagBytes: Int64
        var oldestUnsent: Date?
        var backlog: Int
    }

    /// The sinks of `config` as the ledger and the spool (read without changing it) describe them.
    static func sinkRows(_ config: ActivityHookConfig, ledger: SQLiteLedger) async throws -> [SinkRow] {
        let names = config.sinks.map(\.name)
        let backlog = try await ledger.sinkBacklog(sinks: names)
        let cursors = try await ledger.sinkCursors()
        let directory = config.spool.directory(statePath: config.state.path)
        var rows: [SinkRow] = []
        for sink in config.sinks {
            let cursor = cursors.first { $0.sink == sink.name }
            var lag = SpoolInspector.Lag(entries: 0, bytes: 0, oldestAppendedAt: nil)
            if let cursor { lag = (try? await SpoolInspector.lag(directory: directory, cursor: cursor.next)) ?? lag }
            rows.append(SinkRow(name: sink.name, type: sink.kind.typeName, state: cursor?.state ?? .delivering, since: cursor?.since,
                                message: cursor?.message, lagEntries: lag.entries, lagBytes: lag.bytes,
                                oldestUnsent: lag.oldestAppendedAt, backlog: backlog[sink.name] ?? 0))
        }
        return rows
    }

    static func stateText(_ row: SinkRow) -> String {
        switch row.state {
        case .delivering: "delivering"
        case .retrying: "retrying since " + (row.since?.ISO8601Format() ?? "?")
        case .permanent: "permanent error since " + (row.since?.ISO8601Format() ?? "?")
        }
    }

    static func renderSinks(_ sinks: [SinkRow]) -> String {
        let table = renderTable(["SINK", "TYPE", "STATE", "LAG RECORDS", "LAG BYTES", "OLDEST UNSENT", "BACKLOG BLOBS"], sinks.map { row in
            [row.name, row.type, Self.stateText(row), String(row.lagEntries), String(row.lagBytes),
             row.oldestUnsent.map { "\(Int(max(0, Date().timeIntervalSince($0))))s" } ?? "-", String(row.backlog)]
        })
        let messages = sinks.filter { $0.state != .delivering }.compactMap { row in row.message.map { "\(row.name): \($0)" } }
        return messages.isEmpty ? table : table + "\n" + messages.joined(separator: "\n")
    }

    static func sinkJSON(_ row: SinkRow) -> String {
        var fields = [#""name":"\#(jsonEscaped(row.name))""#, #""type":"\#(row.type)""#, #""state":"\#(row.state.rawValue)""#,
                      #""lagRecords":\#(row.lagEntries)"#, #""lagBytes":\#(row.lagBytes)"#, #""backlog":\#(row.backlog)"#]
        if let since = row.since { fields.append(#""stateSince":"\#(since.ISO8601Format())""#) }
        if let message = row.message { fields.append(#""message":"\#(jsonEscaped(message))""#) }
        fields.append(#""oldestUnsentAgeSeconds":\#(row.oldestUnsent.map { String(Int(max(0, Date().timeIntervalSince($0)))) } ?? "null")"#)
        return "{" + fields.joined(separator: ",") + "}"
    }
}
