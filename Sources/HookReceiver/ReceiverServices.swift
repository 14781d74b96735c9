import Foundation
import HookConfig
import HookHTTPServer
import HookLedger
import Logging

/// Builds the receiver's HTTP servers from the configuration: the public listener, plus the admin
/// listener when `server.adminListen` is set. Binding happens here, so a taken port or a bad
/// certificate fails `serve` before anything reports ready.
public enum ReceiverServices {
    public struct Built: Sendable {
        public let servers: [HTTPServer]
        public let health: HealthEndpoint
        public let metrics: ReceiverMetrics
    }

    /// `listenFDs`: listening sockets inherited from the process this one replaced (a reload), for the public
    /// listener and then the admin listener, in that order; empty binds the configured addresses.
    public static func make(config: ActivityHookConfig, ledger: any Ledger, logger: Logger, listenFDs: [Int32] = []) throws -> Built {
        let server = config.server
        let metrics = ReceiverMetrics()
        let health = HealthEndpoint(ledger: ledger)
        let metricsEndpoint = MetricsEndpoint(metrics: metrics, ledger: ledger)
        // Without an admin listener, the endpoints go on the public one unless the service terminates TLS itself
        // (it then faces the internet directly): `server.adminOnPublicListener` decides, default false with TLS.
        let onPublic = server.adminListen == nil && server.adminOnPublicListener
        guard let uriPolicy = ContentURIPolicy(apiRoot: config.api.resolvedAPIRoot) else {
            throw ReceiverError("api root \(config.api.resolvedAPIRoot) is not a URL")
        }
        let validator = NotificationValidator(
            tenants: Dictionary(config.tenants.map { ($0.tenantId, $0.contentTypes.map(\.rawValue)) }, uniquingKeysWith: { $0 + $1 }),
            uriPolicy: uriPolicy)
        let endpoint = WebhookEndpoint(
            settings: .init(path: server.path, authId: server.authId.reveal(), maxBodyBytes: server.maxBodyBytes),
            ledger: ledger, validator: validator, metrics: metrics,
            health: server.healthz && onPublic ? health : nil,
            metricsEndpoint: server.metrics && onPublic ? metricsEndpoint : nil, logger: logger)
        var servers = [try HTTPServer(
            configuration: try self.httpConfiguration(server.listen, server, tls: server.tls, cloud: config.api.cloud,
                                                      listenFD: listenFDs.first),
            handler: endpoint, logger: logger)]
        if let admin = server.adminListen {
            servers.append(try HTTPServer(
                configuration: try self.httpConfiguration(admin, server, tls: nil, cloud: config.api.cloud,
                                                          listenFD: listenFDs.dropFirst().first),
                handler: AdminEndpoint(health: server.healthz ? health : nil, metrics: server.metrics ? metricsEndpoint : nil),
                logger: logger))
        }
        return Built(servers: servers, health: health, metrics: metrics)
    }

    private static func httpConfiguration(_ listen: ListenAddress, _ server: ServerConfig, tls: TLSConfig?, cloud: Cloud,
                                          listenFD: Int32? = nil) throws
        -> HTTPServerConfiguration
    {
        let host = listen.host == "localhost" ? "127.0.0.1" : listen.host
        var tlsSettings: HTTPServerConfiguration.TLS?
        if let tls {
            tlsSettings = .init(
                certificatePEM: try String(contentsOfFile: tls.certificate, encoding: .utf8),
                privateKeyPEM: try String(contentsOfFile: tls.privateKey, encoding: .utf8),
                clientCAPEM: try tls.clientCA.map { try String(contentsOfFile: $0, encoding: .utf8) },
                clientName: tls.pinnedClientName(cloud: cloud))
        }
        let seconds = Int(server.connectionTimeout.components.seconds)
        var configuration = HTTPServerConfiguration(
            host: host, port: UInt16(clamping: listen.port), threads: server.threads,
            connectionLimit: server.connectionLimit, connectionTimeoutSeconds: max(1, seconds), tls: tlsSettings,
            perIPConnectionLimit: server.perIPConnectionLimit, headerTimeout: server.headerTimeout, bodyTimeout: server.bodyTimeout)
        configuration.listenFD = listenFD
        return configuration
    }
}

/// A receiver set-up problem.
public struct ReceiverError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
