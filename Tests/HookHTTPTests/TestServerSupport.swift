import HookHTTPClient
import HookHTTPServer
import Logging
import Testing

/// A handler for loopback tests: echo routes, a size-capped route, an async route and a gate.
struct EchoHandler: HTTPHandler {
    var cap = 32 << 20

    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision {
        switch head.path {
        case "/small": return .readBody(maxBodyBytes: 1024)
        case "/missing": return .respond(.text(404, "no such route\n"))
        default: return .readBody(maxBodyBytes: self.cap)
        }
    }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        switch request.path {
        case "/async":
            return .async {
                await Task.yield()
                return HTTPResponse(status: 200, headers: ["X-Length": "\(request.body.count)"], body: request.body)
            }
        case "/abort":
            return .abort
        case "/inspect":
            var lines = ["method=\(request.method)", "peer=\(request.head.peer)", "tls=\(request.head.isTLS)",
                         "cert=\(request.head.clientCertificateVerified)"]
            lines += request.head.query.map { "q:\($0.name)=\($0.value)" }
            lines.append("x-test=\(request.headers["x-TEST"] ?? "-")")
            return .response(.text(200, lines.joined(separator: "\n")))
        default:
            return .response(HTTPResponse(status: 200, headers: ["X-Length": "\(request.body.count)"], body: request.body))
        }
    }
}

/// Runs `body` against a live server on 127.0.0.1:0, then stops the server gracefully.
func withServer<T: Sendable>(
    _ configuration: HTTPServerConfiguration = HTTPServerConfiguration(),
    handler: any HTTPHandler = EchoHandler(),
    _ body: @Sendable (HTTPServer) async throws -> T
) async throws -> T {
    let server = try HTTPServer(configuration: configuration, handler: handler, logger: Logger(label: "test", factory: { _ in SwiftLogNoOpLogHandler() }))
    return try await withThrowingTaskGroup(of: T?.self) { group in
        group.addTask { try await server.run(); return nil }
        defer { server.shutdown() }
        let result = try await body(server)
        server.shutdown()
        for try await _ in group {}
        return result
    }
}

/// Runs `body` with a fresh client that is shut down afterwards.
func withClient<T>(_ configuration: HTTPClientConfiguration = HTTPClientConfiguration(),
                   _ body: (HTTPClient) async throws -> T) async throws -> T {
    let client = try HTTPClient(configuration: configuration)
    defer { client.shutdown() }
    return try await body(client)
}

/// Deterministic pseudo-random bytes, so a corrupted byte anywhere is detected.
func patternBytes(_ count: Int, seed: UInt64 = 0x9E37_79B9_7F4A_7C15) -> [UInt8] {
    var state = seed
    var out = [UInt8](repeating: 0, count: count)
    for index in 0..<count {
        state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
        out[index] = UInt8(truncatingIfNeeded: state >> 56)
    }
    return out
}
