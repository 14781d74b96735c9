import ArgumentParser
import Foundation
import HookHTTPServer
import HookSimulator
import Logging
import ServiceLifecycle

/// `activityhook-sim`: a stand-in for Microsoft's side (Entra ID tokens, the Management Activity
/// API with webhook delivery, and the Logs Ingestion API) for tests, the demo and benchmarks.
@main
struct SimCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "activityhook-sim",
        abstract: "Simulate the Office 365 Management Activity API, Entra ID tokens and Logs Ingestion.",
        discussion: """
            Prints one line 'activityhook-sim ready url=URL' to standard output once listening, then serves \
            until SIGTERM or SIGINT. Control API under /_sim/ (see docs/simulator.md).
            """)

    @Option(help: "Address to listen on, HOST:PORT; port 0 picks a free port.")
    var listen = "127.0.0.1:0"

    @Option(help: "PEM certificate file for HTTPS.")
    var tlsCert: String?

    @Option(help: "PEM private key file for HTTPS.")
    var tlsKey: String?

    @Option(help: "Scenario file (YAML or JSON): settings, tenants, apps, faults.")
    var config: String?

    @Option(help: "Extra CA file trusted when calling webhooks.")
    var webhookCA: String?

    @Option(help: "Client certificate presented to webhooks (mTLS).")
    var webhookClientCert: String?

    @Option(help: "Key of --webhook-client-cert.")
    var webhookClientKey: String?

    @Option(help: "libmicrohttpd worker threads.")
    var threads = 2

    @Flag(help: "Answer 403 to any Management API call without PublisherIdentifier (setting requirePublisherIdentifier).")
    var requirePublisherIdentifier = false

    @Option(help: "Log level: trace, debug, info, notice, warning, error, critical.")
    var logLevel = "warning"

    func validate() throws {
        guard (self.tlsCert == nil) == (self.tlsKey == nil) else {
            throw ValidationError("--tls-cert and --tls-key go together")
        }
        guard ListenAddress(self.listen) != nil else { throw ValidationError("--listen must be HOST:PORT, e.g. 127.0.0.1:0") }
    }

    func run() async throws {
        let level = Logger.Level(rawValue: self.logLevel) ?? .warning
        LoggingSystem.bootstrap { label in
            var handler = StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
        let logger = Logger(label: "activityhook-sim")
        signal(SIGPIPE, SIG_IGN)
        let app = try SimulatorApp(
            webhookTLS: WebhookClientTLS(caFile: self.webhookCA, certificateFile: self.webhookClientCert, keyFile: self.webhookClientKey),
            logger: logger)
        if self.requirePublisherIdentifier {
            try app.configure(json: Array(#"{"settings":{"requirePublisherIdentifier":true}}"#.utf8))
        }
        if let config = self.config {
            do {
                try app.configure(json: try Scenario.jsonBytes(file: config))
            } catch {
                FileHandle.standardError.write(Data("activityhook-sim: \(config): \(error)\n".utf8))
                throw ExitCode(78)
            }
        }
        guard let address = ListenAddress(self.listen) else { throw ExitCode(64) }
        var tls: HTTPServerConfiguration.TLS?
        if let cert = self.tlsCert, let key = self.tlsKey {
            tls = .init(certificatePEM: try String(contentsOfFile: cert, encoding: .utf8),
                        privateKeyPEM: try String(contentsOfFile: key, encoding: .utf8))
        }
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(host: address.host, port: address.port, threads: self.threads,
                                                   connectionLimit: 1024, tls: tls, shutdownGraceSeconds: 5),
            handler: app.handler, logger: logger)
        app.bind(host: address.host, port: server.port, tls: tls != nil)
        try await ServiceRunner.run([server] + app.services, logger: logger) {
            print("activityhook-sim ready url=\(app.baseURL)")
            fflush(nil)
        }
        app.shutdown()
    }
}

/// `HOST:PORT` with an IPv4 address, or `[v6]:PORT`.
struct ListenAddress {
    var host: String
    var port: UInt16

    init?(_ text: String) {
        guard let colon = text.lastIndex(of: ":"), let port = UInt16(text[text.index(after: colon)...]) else { return nil }
        var host = String(text[..<colon])
        if host.hasPrefix("[") && host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        guard !host.isEmpty else { return nil }
        self.host = host
        self.port = port
    }
}
