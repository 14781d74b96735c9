import Foundation
import HookHTTPClient
import HookHTTPServer
import Logging
import ServiceLifecycle

/// TLS material the simulator uses when it calls webhooks (validation and notifications).
public struct WebhookClientTLS: Sendable {
    /// Extra CA file to trust (webhooks with test certificates).
    public var caFile: String?
    /// Client certificate and key to present (webhooks that require mTLS; Microsoft presents
    /// its manage.office.com certificate, §5).
    public var certificateFile: String?
    public var keyFile: String?

    public init(caFile: String? = nil, certificateFile: String? = nil, keyFile: String? = nil) {
        self.caFile = caFile
        self.certificateFile = certificateFile
        self.keyFile = keyFile
    }
}

/// One simulator: state, routes and background services, built from settings and a scenario.
///
/// Serve `handler` with an `HTTPServer`, call `bind(port:tls:)` once the port is known (it sets
/// the base URL used in `contentUri`), and run `services` next to the server.
public final class SimulatorApp: Sendable {
    public let state: SimulatorState
    let tokens: AccessTokens
    let throttle = Throttle()
    let faults = FaultInjection()
    let delivery: NotificationDelivery
    let ingestion: LogsIngestionFake
    let ratePublisher: RatePublisher
    private let client: HTTPClient

    public init(settings: SimulatorSettings = SimulatorSettings(), webhookTLS: WebhookClientTLS = WebhookClientTLS(),
                logger: Logger) throws {
        self.state = SimulatorState(settings: settings)
        self.tokens = try AccessTokens()
        self.client = try HTTPClient(configuration: HTTPClientConfiguration(
            maxConcurrentTransfers: 32, connectTimeout: .seconds(5), timeout: .seconds(30), extraCAFile: webhookTLS.caFile,
            clientCertificateFile: webhookTLS.certificateFile, clientKeyFile: webhookTLS.keyFile,
            userAgent: "activityhook-sim (Microsoft Office 365 Management API stand-in)"))
        self.delivery = NotificationDelivery(state: self.state, client: self.client, logger: logger)
        self.ingestion = LogsIngestionFake(state: self.state, tokens: self.tokens)
        self.ratePublisher = RatePublisher(state: self.state, delivery: self.delivery)
    }

    /// The HTTP handler serving every route.
    public var handler: any HTTPHandler { SimulatorHandler(app: self) }

    /// The background services: notification delivery and the rate publisher.
    public var services: [any Service] { [self.delivery, self.ratePublisher] }

    /// Sets the base URL from the bound address unless the settings name one.
    public func bind(host: String, port: UInt16, tls: Bool) {
        self.state.withStore { store in
            if store.settings.baseURL.isEmpty {
                let shownHost = host.contains(":") ? "[\(host)]" : host
                store.settings.baseURL = "\(tls ? "https" : "http")://\(shownHost):\(port)"
            }
        }
    }

    /// The base URL (after `bind`).
    public var baseURL: String { self.state.baseURL }

    /// Publishes content and queues its notifications.
    public func publish(_ request: PublishRequest) -> (published: [BlobListingSummary], dropped: Int) {
        let (listings, dropped) = self.publishListings(request)
        return (listings.map(BlobListingSummary.init), dropped)
    }

    func publishListings(_ request: PublishRequest) -> (published: [BlobListing], dropped: Int) {
        let (listings, dropped) = self.state.publish(request)
        if request.notify && !listings.isEmpty {
            self.delivery.enqueue(SubscriptionKey(tenant: request.tenant, contentType: request.contentType), listings)
        }
        return (listings, dropped)
    }

    /// Clears state (see `SimulatorState.reset`), throttles, queued notifications and ingested data.
    public func reset(all: Bool) {
        self.state.reset(all: all)
        self.throttle.reset()
        self.delivery.clear()
        self.ingestion.reset()
        if all { self.faults.set([]) }
    }

    /// Applies a scenario given as JSON bytes (the YAML scenario, converted by the CLI).
    public func configure(json: [UInt8]) throws {
        guard let object = JSONInput.object(json) else { throw ScenarioError("the scenario is not a JSON/YAML mapping") }
        try self.configure(object)
    }

    /// Stops the outgoing HTTP client; call after the services have stopped.
    public func shutdown() { self.client.shutdown() }

    var validation: WebhookValidation { WebhookValidation(state: self.state, client: self.client) }
}

/// What publishing made, for callers outside the module.
public struct BlobListingSummary: Sendable {
    public var contentId: String
    public var created: Date
    public var recordCount: Int
    public var contentUri: String

    init(_ listing: BlobListing) {
        self.contentId = listing.contentId
        self.created = listing.created
        self.recordCount = listing.recordCount
        self.contentUri = "/api/v1.0/\(listing.tenant)/activity/feed/audit/\(listing.contentId)"
    }
}
