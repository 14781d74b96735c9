import ArgumentParser
import Foundation
import HookConfig
import HookHTTPClient
import HookLedger
import HookManagementAPI

/// `activityhook status`: subscriptions and webhook status from Microsoft beside the ledger's counts.
struct Status: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Show subscriptions and webhook status from Microsoft beside the ledger's counts and backfill jobs.",
        discussion: "Exits 1 when Microsoft could not be asked for some tenant (the row says why).")

    @OptionGroup var global: GlobalOptions
    @Flag(help: "Print JSON instead of a table.") var json = false

    struct Row {
        var tenantId: String
        var contentType: String
        var subscription: String
        var webhook: String
        var address: String
        var counts: [BlobState: Int]
        var completeness: CompletenessCount?
        var watermark: Date?
        var error: String?
    }

    func run() async throws {
        let loaded = try self.global.loadConfig()
        let session = try await ManagementSession.open(loaded.config, for: "status")
        let summary = try await session.ledger.summary(now: Date())
        let completeness = try await session.ledger.completeness()
        let sinkRows = try await Self.sinkRows(loaded.config, ledger: session.ledger)
        let jobs = try await session.ledger.backfillJobs(limit: Self.jobsShown)
        var rows: [Row] = []
        for (index, client) in session.clients.enumerated() {
            let tenant = loaded.config.tenants[index]
            var listed: [Subscription] = []
            var failure: String?
            do { listed = try await client.list() } catch { failure = "\(error)" }
            for type in tenant.contentTypes {
                let found = listed.first { $0.contentType.lowercased() == type.rawValue.lowercased() }
                var counts: [BlobState: Int] = [:]
                for count in summary.counts where count.tenantId == tenant.tenantId.lowercased()
                    && count.contentType.lowercased() == type.rawValue.lowercased() {
                    counts[count.state, default: 0] += count.count
                }
                rows.append(Row(tenantId: tenant.tenantId, contentType: type.rawValue,
                                subscription: failure == nil ? (found?.status ?? "missing") : "?",
                                webhook: failure == nil ? (found?.webhook?.status ?? "none") : "?",
                                address: found?.webhook?.address ?? "", counts: counts,
                                completeness: completeness.first { $0.tenantId == tenant.tenantId.lowercased() && $0.contentType == type.rawValue },
                                watermark: try await session.ledger.watermark(tenantId: tenant.tenantId, contentType: type.rawValue),
                                error: failure))
            }
        }
        await session.close()
        print(self.json ? Self.renderJSON(rows, sinks: sinkRows, summary: summary, jobs: jobs)
              : Self.renderText(rows, webhook: loaded.config.server.publicURL) + "\n\n" + Self.renderCompleteness(rows, summary: summary)
                + "\n\n" + Self.renderSinks(sinkRows) + (jobs.isEmpty ? "" : "\n\n" + Self.renderJobs(jobs)))
        if rows.contains(where: { $0.error != nil }) {
            for row in rows { if let error = row.error { printError("error: \(row.tenantId) \(row.contentType): \(error)") } }
            throw ExitCode(1)
        }
    }

    static func renderText(_ rows: [Row], webhook: String) -> String {
        let states = BlobState.allCases
        return renderTable(["TENANT", "CONTENT TYPE", "SUBSCRIPTION", "WEBHOOK", "OURS"] + states.map { $0.rawValue.uppercased() },
                           rows.map { row in
            [row.tenantId, row.contentType, row.subscription, row.webhook,
             row.address.isEmpty ? "-" : (row.address == webhook ? "yes" : "no")] + states.map { String(row.counts[$0] ?? 0) }
        })
    }

    /// Webhook gaps and what is at risk: per tenant × content type, how each blob was found; then the oldest
    /// blob not yet done and the blobs that expire within 24 hours unforwarded (lag histograms are in /metrics).
    static func renderCompleteness(_ rows: [Row], summary: LedgerSummary) -> String {
        let table = renderTable(["TENANT", "CONTENT TYPE", "NOTIFIED", "LISTED", "ONLY POLLED", "ONLY NOTIFIED", "POLLED UP TO",
                                 "OLDEST PENDING", "EXPIRING <24H"],
                                rows.map { row in
            let found = row.completeness
            let pending = Self.pending(row, summary)
            return [row.tenantId, row.contentType, String(found?.notified ?? 0), String(found?.listed ?? 0),
                    String(found?.onlyListed ?? 0), String(found?.onlyNotified ?? 0), row.watermark?.ISO8601Format() ?? "-",
                    pending.map { "\(Int(Date().timeIntervalSince($0.oldestSince)))s" } ?? "-", String(pending?.expiringWithin24h ?? 0)]
        })
        let oldest = summary.oldestPendingSince.map { "\(Int(Date().timeIntervalSince($0)))s" } ?? "none"
        return table + "\noldest blob not done: \(oldest); expiring within 24h and not done: \(summary.expiringWithin24h)"
    }

    /// The pending blobs of a row's tenant and content type, if any.
    static func pending(_ row: Row, _ summary: LedgerSummary) -> PendingStats? {
        summary.pending.first { $0.tenantId == row.tenantId.lowercased() && $0.contentType.lowercased() == row.contentType.lowercased() }
    }


    static func renderJSON(_ rows: [Row], sinks: [SinkRow], summary: LedgerSummary, jobs: [BackfillJob]) -> String {
        let items = rows.map { row in
            let counts = BlobState.allCases.map { #""\#($0.rawValue)":\#(row.counts[$0] ?? 0)"# }.joined(separator: ",")
            var fields = [#""tenantId":"\#(jsonEscaped(row.tenantId))""#, #""contentType":"\#(jsonEscaped(row.contentType))""#,
                          #""subscriptionStatus":"\#(jsonEscaped(row.subscription))""#, #""webhookStatus":"\#(jsonEscaped(row.webhook))""#,
                          #""webhookAddress":"\#(jsonEscaped(row.address))""#, #""ledger":{\#(counts)}"#]
            let found = row.completeness
            fields.append(#""completeness":{"notified":\#(found?.notified ?? 0),"listed":\#(found?.listed ?? 0),"#
                + #""onlyPolled":\#(found?.onlyListed ?? 0),"onlyNotified":\#(found?.onlyNotified ?? 0)}"#)
            if let watermark = row.watermark { fields.append(#""pollWatermark":"\#(watermark.ISO8601Format())""#) }
            let pending = Self.pending(row, summary)
            fields.append(#""oldestPendingAgeSeconds":\#(pending.map { String(Int(Date().timeIntervalSince($0.oldestSince))) } ?? "null"),"#
                + #""expiringWithin24h":\#(pending?.expiringWithin24h ?? 0)"#)
            if let error = row.error { fields.append(#""error":"\#(jsonEscaped(error))""#) }
            return "{" + fields.joined(separator: ",") + "}"
        }
        let sinkItems = sinks.map(Self.sinkJSON)
        let oldest = summary.oldestPendingSince.map { String(Int(Date().timeIntervalSince($0))) } ?? "null"
        return #"{"subscriptions":[\#(items.joined(separator: ","))],"sinks":[\#(sinkItems.joined(separator: ","))],"#
            + #""backfillJobs":[\#(jobs.map(Self.jobJSON).joined(separator: ","))],"#
            + #""oldestPendingAgeSeconds":\#(oldest),"expiringWithin24h":\#(summary.expiringWithin24h)}"#
    }
}
