import ArgumentParser
import Foundation
import HookConfig
import HookManagementAPI
import HookEntraAuth
import HookRetry

/// `activityhook register`: makes sure every tenant × content type subscription is enabled with our webhook.
struct Register: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Make sure every tenant × content type subscription is enabled with this webhook.",
        discussion: """
            Idempotent: subscriptions already enabled with server.publicUrl and server.authId are left alone. \
            At most one /start per tenant × content type every 15 minutes (remembered in the ledger). \
            Prints a table and exits 1 if any subscription could not be enabled.
            """)

    @OptionGroup var global: GlobalOptions

    @Flag(help: "Call /start even when the subscription already looks right (Microsoft answers AF20024).")
    var force = false

    @Option(help: ArgumentHelp("Minimum seconds between two /start calls per tenant × content type.", visibility: .hidden))
    var startInterval: Int = 900

    func run() async throws {
        let loaded = try self.global.loadConfig()
        let session = try await ManagementSession.open(loaded.config, for: "register")
        let registrar = SubscriptionRegistrar(
            webhook: session.webhook, guard: StartGuard(store: session.ledger, interval: .seconds(self.startInterval)),
            webhookLifetime: loaded.config.server.webhookExpiration)
        var results: [RegistrationResult] = []
        for (index, client) in session.clients.enumerated() {
            let tenant = loaded.config.tenants[index]
            let subscriptions: [Subscription]
            do {
                subscriptions = try await client.list()
            } catch {
                results += tenant.contentTypes.map {
                    RegistrationResult.failure(tenantId: tenant.tenantId, contentType: $0.rawValue, error: error)
                }
                continue
            }
            for type in tenant.contentTypes {
                let current = subscriptions.first { $0.contentType.lowercased() == type.rawValue.lowercased() }
                results.append(await registrar.ensure(type.rawValue, current: current, client: client, force: self.force))
            }
        }
        await session.close()
        print(Self.table(results))
        let failures = results.filter { !$0.isSuccess }
        for failure in failures { printError("error: \(Self.explain(failure))") }
        if !failures.isEmpty { throw ExitCode(1) }
    }

    static func table(_ results: [RegistrationResult]) -> String {
        renderTable(["TENANT", "CONTENT TYPE", "SUBSCRIPTION", "WEBHOOK", "ACTION"], results.map { result in
            [result.tenantId, result.contentType, result.subscriptionStatus, result.webhookStatus,
             result.action == .failed ? "failed: \(Self.code(result.error))" : result.action.rawValue]
        })
    }

    static func code(_ error: (any Error)?) -> String {
        switch error {
        case let error as ManagementAPIError: error.code ?? "HTTP \(error.status)"
        case let error as TokenError: error.aadstsCode.map { "AADSTS\($0)" } ?? error.error
        default: "error"
        }
    }

    static func explain(_ result: RegistrationResult) -> String {
        let prefix = "\(result.tenantId) \(result.contentType): "
        if result.action == .deferred, let retryAt = result.retryAt {
            return prefix + "a /start was sent less than 15 minutes ago (Microsoft allows one per 15 minutes); "
                + "run register again after \(ISO8601DateFormatter().string(from: retryAt))"
        }
        return prefix + (result.error.map { "\($0)" } ?? "failed")
    }
}

extension RegistrationResult {
    /// A failure before any decision (the listing or the token failed).
    static func failure(tenantId: String, contentType: String, error: any Error) -> RegistrationResult {
        RegistrationResult(tenantId: tenantId, contentType: contentType, subscriptionStatus: "?", webhookStatus: "?",
                           action: .failed, error: error)
    }
}
