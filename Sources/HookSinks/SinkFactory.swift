import HookConfig
import HookHTTPClient
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
    /// - Throws: ``SinkSetupError`` for a sink type this build cannot construct, or a client that cannot start.
    public static func makeSinks(_ sinks: [SinkConfig], http: HTTPClient, metrics: MetricsRegistry, logger: Logger,
                                 retry: SinkRetryPolicy = SinkRetryPolicy()) throws(SinkSetupError) -> [any Sink] {
        var built: [any Sink] = []
        for sink in sinks {
            built.append(try self.makeSink(sink, http: http, metrics: metrics, logger: logger, retry: retry))
        }
        return built
    }

    /// The sink for one config entry; see ``makeSinks(_:http:metrics:logger:retry:)``.
    public static func makeSink(_ sink: SinkConfig, http: HTTPClient, metrics: MetricsRegistry, logger: Logger,
                                retry: SinkRetryPolicy = SinkRetryPolicy()) throws(SinkSetupError) -> any Sink {
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
                client = try HTTPClient(configuration: HTTPClientConfiguration(extraCAFile: caFile))
            } catch {
                throw SinkSetupError(sink: sink.name, message: "cannot start an HTTP client trusting \(caFile): \(error)")
            }
            return batching(SplunkHECTransport(configuration: hec, http: client, ownsClient: true), inFlight: self.httpInFlight)
        case .logsIngestion, .alertWebhook:
            throw SinkSetupError(sink: sink.name, message: "sink type \(sink.kind.typeName) is not available in this build")
        }
    }
}
