import Foundation
import HookHTTPServer
import Logging

/// Answers every request 200 "ok" once its body is read: the Swift side of `scripts/bench server`,
/// with the same daemon options as the bare C server it is compared against.
struct OKHandler: HTTPHandler {
    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision { .readBody(maxBodyBytes: 1 << 20) }
    private static let ok = HTTPResponse(status: 200, body: Array("ok".utf8))
    func handle(_ request: HTTPRequest) -> HTTPHandlerResult { .response(Self.ok) }
}

func benchServer(_ arguments: [String]) async -> Int32 {
    let port = UInt16(option("--port", in: arguments) ?? "0") ?? 0
    let threads = Int(option("--threads", in: arguments) ?? "2") ?? 2
    let signals = SignalWaiter()
    do {
        let server = try HTTPServer(
            configuration: HTTPServerConfiguration(port: port, threads: threads),
            handler: OKHandler(), logger: Logger(label: "bench", factory: { _ in SwiftLogNoOpLogHandler() }))
        print("READY port=\(server.port)")
        fflush(nil)
        signals.onSignal { server.shutdown() }
        try await server.run()
        return 0
    } catch {
        FileHandle.standardError.write(Data("bench-server: \(error)\n".utf8))
        return 1
    }
}

func option(_ name: String, in arguments: [String]) -> String? {
    guard let index = arguments.firstIndex(of: name), index + 1 < arguments.count else { return nil }
    return arguments[index + 1]
}

/// Blocks SIGINT/SIGTERM in every thread (call before starting server threads) and waits for them
/// on one dedicated thread.
final class SignalWaiter: Sendable {
    init() {
        var set = sigset_t()
        sigemptyset(&set)
        sigaddset(&set, SIGINT)
        sigaddset(&set, SIGTERM)
        pthread_sigmask(SIG_BLOCK, &set, nil)
    }

    func onSignal(_ action: @escaping @Sendable () -> Void) {
        Thread.detachNewThread {
            var set = sigset_t()
            sigemptyset(&set)
            sigaddset(&set, SIGINT)
            sigaddset(&set, SIGTERM)
            var signal: Int32 = 0
            sigwait(&set, &signal)
            action()
        }
    }
}
