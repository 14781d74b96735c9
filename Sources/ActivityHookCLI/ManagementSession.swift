import ArgumentParser
import Foundation
import HookConfig
import HookEntraAuth
import HookHTTPClient
import HookLedger
import HookManagementAPI
import HookEntraAuth

/// What `register`, `status` and `unregister` share: the config, one HTTP client trusting `api.caFile`,
/// one API client per tenant and the ledger (start guard, counts). The clients' request budget is drawn from
/// the ledger, so these few calls share the per-tenant budget with a running `serve` (docs/request-budget.md).
struct ManagementSession {
    let config: ActivityHookConfig
    let http: HTTPClient
    let clients: [ManagementAPIClient]
    let ledger: SQLiteLedger

    /// Opens everything for `config`; fails with a one-line message.
    static func open(_ config: ActivityHookConfig) async throws -> ManagementSession {
        let http = try HTTPClient(configuration: .outbound(config.api, extraCAFile: config.api.caFile))
        let ledger = try await SQLiteLedger.open(path: config.state.path)
        let clients = ManagementAPIClient.makeAll(config: config, http: http, budgetStore: ledger)
        return ManagementSession(config: config, http: http, clients: clients, ledger: ledger)
    }

    /// Opens the session for `command`, or prints why not and exits 1.
    static func open(_ config: ActivityHookConfig, for command: String) async throws -> ManagementSession {
        do {
            return try await ManagementSession.open(config)
        } catch {
            printError("activityhook \(command): \(error)")
            throw ExitCode(1)
        }
    }

    /// Our webhook as `/start` should register it.
    var webhook: WebhookInfo {
        WebhookInfo(address: self.config.server.publicURL,
                    authId: self.config.server.authId.isEmpty ? nil : self.config.server.authId.reveal())
    }

    func close() async {
        await self.ledger.close()
        self.http.shutdown()
    }
}

/// A plain text table: a header row, a rule and left-aligned columns.
func renderTable(_ header: [String], _ rows: [[String]]) -> String {
    let widths = header.indices.map { column in
        ([header] + rows).map { $0[column].count }.max() ?? 0
    }
    func line(_ cells: [String]) -> String {
        zip(cells, widths).map { $0.0.padding(toLength: $0.1, withPad: " ", startingAt: 0) }
            .joined(separator: "  ").trimmingCharacters(in: .whitespaces)
    }
    return ([line(header), line(widths.map { String(repeating: "-", count: $0) })] + rows.map(line)).joined(separator: "\n")
}
