import Foundation
import HookConfig
import HookHTTPServer
import Logging
import ServiceLifecycle

/// Builds the receiver's HTTP servers from the configuration: the public listener, plus the
/// admin listener when `server.adminListen` is set. Binding happens here, so a taken port or a bad
/// certificate fails `serve` before anything reports ready.
public enum ReceiverServices {
    public static func make(config: ActivityHookConfig, health: HealthEndpoint, logger: Logger) throws -> [HTTPServer] {
        let server = config.server
        let adminHealth = server.healthz && server.adminListen != nil
        let endpoint = WebhookEndpoint(
            settings: .init(path: server.path, authId: server.authId.reveal(), maxBodyBytes: server.maxBodyBytes,
                            serveHealth: server.healthz && server.adminListen == nil),
            health: health, logger: logger)
        var servers = [try HTTPServer(
            configuration: try self.httpConfiguration(server.listen, server, tls: server.tls), handler: endpoint, logger: logger)]
        if let admin = server.adminListen {
            servers.append(try HTTPServer(
                configuration: try self.httpConfiguration(admin, server, tls: nil),
                handler: AdminEndpoint(health: adminHealth ? health : nil), logger: logger))
        }
        return servers
    }

    private static func httpConfiguration(_ listen: ListenAddress, _ server: ServerConfig, tls: TLSConfig?) throws
        -> HTTPServerConfiguration
    {
        let host = listen.host == "localhost" ? "127.0.0.1" : listen.host
        var tlsSettings: HTTPServerConfiguration.TLS?
        if let tls {
            tlsSettings = .init(
                certificatePEM: try String(contentsOfFile: tls.certificate, encoding: .utf8),
                privateKeyPEM: try String(contentsOfFile: tls.privateKey, encoding: .utf8),
                clientCAPEM: try tls.clientCA.map { try String(contentsOfFile: $0, encoding: .utf8) })
        }
        let seconds = Int(server.connectionTimeout.components.seconds)
        return HTTPServerConfiguration(
            host: host, port: UInt16(clamping: listen.port), threads: server.threads,
            connectionLimit: server.connectionLimit, connectionTimeoutSeconds: max(1, seconds), tls: tlsSettings)
    }
}
