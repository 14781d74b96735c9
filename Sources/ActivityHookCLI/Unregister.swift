import ArgumentParser
import HookConfig
import HookManagementAPI

/// `activityhook unregister`: stops the subscriptions (all configured content types, or the ones named).
struct Unregister: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        abstract: "Stop the subscriptions of every tenant (no more notifications or content for them).",
        discussion: "Content made available while a subscription is stopped is lost for good (Microsoft's rule).")

    @OptionGroup var global: GlobalOptions

    @Option(name: .long, help: "Only this content type (repeatable), e.g. --content-type Audit.General.")
    var contentType: [String] = []

    func run() async throws {
        let loaded = try self.global.loadConfig()
        var only: [ContentType] = []
        for name in self.contentType {
            guard let type = ContentType(caseInsensitive: name) else {
                printError("activityhook unregister: unknown content type \(name)")
                throw ExitCode.validationFailure
            }
            only.append(type)
        }
        let session = try await ManagementSession.open(loaded.config, for: "unregister")
        var rows: [[String]] = []
        var failed = false
        for (index, client) in session.clients.enumerated() {
            let tenant = loaded.config.tenants[index]
            for type in tenant.contentTypes where only.isEmpty || only.contains(type) {
                do {
                    try await client.stop(type.rawValue)
                    rows.append([tenant.tenantId, type.rawValue, "stopped"])
                } catch {
                    failed = true
                    rows.append([tenant.tenantId, type.rawValue, "failed: \(Register.code(error))"])
                    printError("error: \(tenant.tenantId) \(type.rawValue): \(error)")
                }
            }
        }
        await session.close()
        print(renderTable(["TENANT", "CONTENT TYPE", "ACTION"], rows))
        if failed { throw ExitCode(1) }
    }
}
