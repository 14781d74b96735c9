import Foundation
import HookConfig
import HookHTTPClient
import HookEntraAuth
import HookRetry
import HookMetrics
import Logging

/// Why the sinks could not be built from the config.
public struct SinkSetupError: Error, CustomStringConvertible, Sendable {
    /// The sink's configured name.
    public var sink: String
    /// What is wrong.
    public var message: String

    /// Creates an error.
    public init(sink: String, message: String) {
        self.sink = sink
        self.message = message
    }

    /// `sink <name>: <message>`.
    public var description: String { "sink \(self.sink): \(self.message)" }
}

/// Builds the configured sinks: each one a ``BatchingSink`` over its type's transport, with its metrics.
public enum SinkFactory {
    /// Requests in flight per sink type: one for local files and stdout (lines stay in delivery order,
    /// and a disk gains nothing from parallel fsyncs), a few for HTTP destinations.
    static let fileInFlight = 1
    static let httpInFlight = 4

    /// One sink per entry of `sinks` (`ActivityHookConfig.sinks`), in order.
    /// - Parameters:
    ///   - sinks: The configured sinks.
    ///   - http: The shared HTTP client (a sink with its own `tlsCAFile` gets a client of its own).
    ///   - metrics: The registry for `activityhook_sink_*`.
    ///   - logger: The parent logger; each sink adds `sink` metadata.
    ///   - retry: The retry policy of every sink.
    ///   - config: The whole configuration: a `logs-ingestion` sink without `credentials` uses the first
    ///     tenant's app and `api.loginUrl`/`api.cloud` from it.
    /// - Throws: ``SinkSetupError`` for a sink that cannot be built (no credentials, a client that cannot start).
    public static func makeSinks(_ sinks: [SinkConfig], http: HTTPClient, metrics: MetricsRegistry, logger: Logger,
                                 retry: SinkRetryPolicy = SinkRetryPolicy(),
                                 config: ActivityHookConfig? = nil) throws(SinkSetupError) -> [any Sink] {
        var built: [any Sink] = []
        for sink in sinks {
            built.append(try self.makeSink(sink, http: http, metrics: metrics, logger: logger, retry: retry, config: config))
        }
        return built
    }

    /// The sink for one config entry; see ``makeSinks(_:http:metrics:logger:retry:config:)``.
    public static func makeSink(_ sink: SinkConfig, http: HTTPClient, metrics: MetricsRegistry, logger: Logger,
                                retry: SinkRetryPolicy = SinkRetryPolicy(),
                                config: ActivityHookConfig? = nil) throws(SinkSetupError) -> any Sink {
        let sinkMetrics = SinkMetrics(registry: metrics, sink: sink.name)
        func batching<T: BatchTransport>(_ transport: T, inFlight: Int) -> any Sink {
            BatchingSink(name: sink.name, filter: sink.effectiveFilter, transport: transport,
                         configuration: BatchingSinkConfiguration(maxInFlight: inFlight, retry: retry),
                         metrics: sinkMetrics, logger: logger)
        }
        switch sink.kind {
        case .file(let file):
            return batching(FileTransport(configuration: file), inFlight: self.fileInFlight)
        case .stdout:
            return batching(StdoutTransport(), inFlight: self.fileInFlight)
        case .splunkHEC(let hec):
            guard let caFile = hec.tlsCAFile else {
                return batching(SplunkHECTransport(configuration: hec, http: http), inFlight: self.httpInFlight)
            }
            let client: HTTPClient
            do {
                // The sink's own CA, and the same proxy settings as every other outbound call.
                client = try HTTPClient(configuration: .outbound(config?.api ?? APIConfig(), extraCAFile: caFile,
                                                                 environment: ProcessInfo.processInfo.environment))
            } catch {
                throw SinkSetupError(sink: sink.name, message: "cannot start an HTTP client trusting \(caFile): \(error)")
            }
            return batching(SplunkHECTransport(configuration: hec, http: client, ownsClient: true), inFlight: self.httpInFlight)
        case .logsIngestion(let ingestion):
            guard let settings = config.flatMap({ LogsIngestionTransport.tokenSettings(for: ingestion, named: sink.name, config: $0) })
                ?? Self.explicitCredentials(ingestion, name: sink.name)
            else {
                throw SinkSetupError(sink: sink.name, message: "logs-ingestion needs `credentials` or a tenant whose app can be used")
            }
            let tokens = TokenProvider(settings: settings, http: http)
            return batching(LogsIngestionTransport(name: sink.name, config: ingestion, tokens: tokens, http: http, logger: logger),
                            inFlight: self.httpInFlight)
        case .alertWebhook(let alert):
            // One post at a time: the per-minute budget and the burst summary need an ordered view of sends.
            return batching(AlertWebhookTransport(name: sink.name, config: alert, http: http, logger: logger), inFlight: 1)
        }
    }
}

extension SinkFactory {
    /// Token settings from a sink's own `credentials` when no whole config is at hand (tests, tools).
    static func explicitCredentials(_ sink: LogsIngestionSinkConfig, name: String) -> TokenProvider.Settings? {
        guard let credentials = sink.credentials else { return nil }
        let resource = LogsIngestionTransport.monitorResource(endpoint: sink.endpoint, cloud: .enterprise)
        return TokenProvider.Settings(tenantId: credentials.tenantId, clientId: credentials.clientId,
                                      credential: .clientSecret(credentials.clientSecret),
                                      loginURL: LogsIngestionTransport.loginHost(monitorResource: resource),
                                      endpoint: .v2, resource: resource, tenantKey: "sinks[\(name)].credentials")
    }
}
