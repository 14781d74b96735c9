import Foundation
import HookHTTPClient
import HookHTTPServer
import HookJSON
import HookLedger
import HookManagementAPI
import HookMetrics
import HookTestSupport
import Synchronization
import SimulatorTestSupport
import Testing

/// A webhook for the watchdog tests that answers `status` (settable) to everything.
final class StatusWebhook: HTTPHandler, Sendable {
    let status = Atomic<Int>(200)
    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision { .readBody(maxBodyBytes: 1 << 20) }
    func handle(_ request: HTTPRequest) -> HTTPHandlerResult { .response(HTTPResponse(status: self.status.load(ordering: .relaxed))) }
}

/// Issue 5 §6: the watchdog re-registers a webhook that is disabled, missing or foreign, or a stopped subscription.
@Suite struct WatchdogTests {
    @Test func reenablesWhatTheSimulatorDisabled() async throws {
        try await withTemporaryDirectory { dir in
            try await withSim(SimEnv.scenario(settings: #","disableAfterFailures":1"#)) { sim in
                let hook = StatusWebhook()
                let server = try HTTPServer(configuration: HTTPServerConfiguration(), handler: hook, logger: quietLogger)
                let address = "http://127.0.0.1:\(server.port)/hook"
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await server.run() }
                    defer { server.shutdown() }
                    let ledger = try await SQLiteLedger.open(path: dir.appendingPathComponent("ledger.sqlite").path)
                    let client = sim.client()
                    let registry = MetricsRegistry()
                    let registrar = SubscriptionRegistrar(webhook: WebhookInfo(address: address, authId: "auth"),
                                                          guard: StartGuard(store: ledger, interval: .zero))
                    let watchdog = WebhookWatchdog(targets: [.init(client: client, contentTypes: ["Audit.General", "Audit.Exchange"])],
                                                   registrar: registrar, interval: .seconds(3600), registry: registry, logger: quietLogger)
                    // Missing subscriptions: both started.
                    #expect(await watchdog.checkOnce().map(\.action) == [.started, .started])
                    #expect(await watchdog.checkOnce().map(\.action) == [.none, .none])

                    // Failed deliveries make the simulator disable the webhook.
                    hook.status.store(500, ordering: .relaxed)
                    try await sim.control("POST", "publish", #"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":1}"#)
                    // The failed delivery and the disabling are one simulator update: wait for the first, see the second.
                    #expect(try await waitForSimulatorCounter(url: sim.url, http: sim.http, "notificationsFailed", atLeast: 1))
                    #expect(try await client.list().first { $0.contentType == "Audit.General" }?.webhook?.status == "disabled")
                    hook.status.store(200, ordering: .relaxed)
                    // The subscription of the other type is stopped, by someone else.
                    try await client.stop("Audit.Exchange")

                    let results = await watchdog.checkOnce()
                    #expect(results.map(\.action) == [.started, .started])
                    #expect(results.first?.webhookStatus == "enabled")
                    let listed = try await client.list()
                    #expect(listed.allSatisfy { $0.isServing(address: address, authId: "auth") })
                    let text = registry.render()
                    #expect(text.contains(#"activityhook_webhook_reregistrations_total{content_type="Audit.General",outcome="started",tenant="\#(tenantA)"} 2"#),
                            "\(text)")

                    // Our webhook with an expiration in 30 minutes (Microsoft's time) is renewed without one.
                    let soon = Timestamp.format(client.skew.serverNow().addingTimeInterval(1800))
                    _ = try await client.start("Audit.General", webhook: WebhookInfo(address: address, authId: "auth", expiration: soon))
                    #expect(try await client.list().first { $0.contentType == "Audit.General" }?.webhook?.expiration?.isEmpty == false)
                    #expect(await watchdog.checkOnce().map(\.action) == [.started, .none])
                    let renewed = try await client.list().first { $0.contentType == "Audit.General" }?.webhook
                    #expect(renewed?.expiration ?? "" == "")
                    #expect(renewed?.status == "enabled")

                    // A webhook pointing elsewhere is taken back, unless the start guard says wait.
                    _ = try await client.start("Audit.General", webhook: WebhookInfo(address: address + "/other", authId: nil))
                    let guarded = SubscriptionRegistrar(webhook: WebhookInfo(address: address, authId: "auth"),
                                                        guard: StartGuard(store: ledger))
                    let held = WebhookWatchdog(targets: [.init(client: client, contentTypes: ["Audit.General"])],
                                               registrar: guarded, interval: .seconds(3600), registry: registry, logger: quietLogger)
                    let deferred = await held.checkOnce()
                    #expect(deferred.map(\.action) == [.deferred])
                    #expect(deferred.first?.webhookStatus == "foreign")
                    #expect(registry.render().contains(#"outcome="deferred""#))
                    await ledger.close()
                }
            }
        }
    }

    @Test func serveWatchdogReenablesAStoppedSubscription() async throws {
        try await withTemporaryDirectory { dir in
            try await withSim { sim in
                let port = try freePort()
                let config = try writeAPIConfig(in: dir, simURL: sim.url, webhookPort: port, contentTypes: "[Audit.General]")
                let register = try await activityhook(["register", "--config", config])
                #expect(register.status == 1)  // serve is not running yet: AF20021
                try await withServe(config: config, extra: ["--watchdog-interval", "1", "--start-interval", "0", "--no-poller", "--no-workers"]) { _ in
                    // The watchdog's first look registers the webhook (its log line may come before serve's ready
                    // line, so wait on the simulator's count of stored subscriptions, not on the log).
                    #expect(try await waitForSimulatorCounter(url: sim.url, http: sim.http, "subscriptionsStarted", atLeast: 1, within: 30))
                    let client = sim.client()
                    #expect(try await client.list().first?.isServing(address: "http://127.0.0.1:\(port)/activity-webhook",
                                                                      authId: "test-auth-id-0123456789") == true)
                    try await client.stop("Audit.General")
                    #expect(try await waitForSimulatorCounter(url: sim.url, http: sim.http, "subscriptionsStarted", atLeast: 2, within: 30))
                    #expect(try await client.list().first?.status == "enabled")
                    let metrics = try await sim.http.execute(HTTPClientRequest(url: "http://127.0.0.1:\(port)/metrics"))
                    let text = String(decoding: metrics.body, as: UTF8.self)
                    #expect(text.contains(#"activityhook_webhook_reregistrations_total{content_type="Audit.General",outcome="started""#), "\(text)")
                }
            }
        }
    }
}

/// `server.webhookExpiration`: registrations carry an expiration that far in Microsoft's future.
@Suite struct WebhookLifetimeTests {
    @Test func registrationCarriesTheConfiguredExpiration() async throws {
        try await withTemporaryDirectory { dir in
            try await withSim(SimEnv.scenario(settings: "")) { sim in
                let hook = StatusWebhook()
                let server = try HTTPServer(configuration: HTTPServerConfiguration(), handler: hook, logger: quietLogger)
                let address = "http://127.0.0.1:\(server.port)/hook"
                try await withThrowingTaskGroup(of: Void.self) { group in
                    group.addTask { try await server.run() }
                    defer { server.shutdown() }
                    let ledger = try await SQLiteLedger.open(path: dir.appendingPathComponent("ledger.sqlite").path)
                    let client = sim.client()
                    let registrar = SubscriptionRegistrar(webhook: WebhookInfo(address: address, authId: "auth"),
                                                          guard: StartGuard(store: ledger, interval: .zero),
                                                          webhookLifetime: .seconds(7 * 86_400))
                    let result = await registrar.ensure("Audit.General", current: nil, client: client)
                    #expect(result.action == .started)
                    let listed = try await client.list().first { $0.contentType == "Audit.General" }?.webhook
                    let expiry = try #require(listed?.expiration.flatMap(Timestamp.parse))
                    let expected = client.skew.serverNow().addingTimeInterval(7 * 86_400)
                    #expect(abs(expiry.timeIntervalSince(expected)) < 120)
                    await ledger.close()
                }
            }
        }
    }
}
