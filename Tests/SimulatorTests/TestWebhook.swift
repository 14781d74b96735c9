import Foundation
import HookHTTPServer
import Synchronization
import Testing

/// A webhook receiver for the tests (a HookHTTPServer): answers `status` and hands every request
/// to the test through an AsyncStream, so tests wait for arrivals instead of sleeping.
final class TestWebhook: HTTPHandler, Sendable {
    let status: Atomic<Int>
    let received: AsyncStream<HTTPRequest>
    private let continuation: AsyncStream<HTTPRequest>.Continuation

    init(status: Int = 200) {
        self.status = Atomic(status)
        (self.received, self.continuation) = AsyncStream.makeStream(of: HTTPRequest.self)
    }

    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision { .readBody(maxBodyBytes: 1 << 20) }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        self.continuation.yield(request)
        return .response(HTTPResponse(status: self.status.load(ordering: .relaxed)))
    }

    /// The next request, failing the test after `seconds` (a timeout, not a synchronisation sleep).
    func next(within seconds: Double = 20) async throws -> HTTPRequest {
        let stream = self.received
        return try await withThrowingTaskGroup(of: HTTPRequest?.self) { group in
            group.addTask {
                var iterator = stream.makeAsyncIterator()
                return await iterator.next()
            }
            group.addTask {
                try await Task.sleep(for: .seconds(seconds))
                return nil
            }
            let first = try await group.next() ?? nil
            group.cancelAll()
            return try #require(first, "no request reached the webhook within \(seconds) s")
        }
    }
}

/// Runs `body` with a webhook server on 127.0.0.1:0; `tls` makes it HTTPS (optionally mTLS).
func withWebhook<T: Sendable>(
    _ webhook: TestWebhook, tls: HTTPServerConfiguration.TLS? = nil, _ body: @Sendable (String) async throws -> T
) async throws -> T {
    let server = try HTTPServer(configuration: HTTPServerConfiguration(tls: tls), handler: webhook, logger: quietLogger)
    let url = "\(tls == nil ? "http" : "https")://127.0.0.1:\(server.port)/hook"
    return try await withThrowingTaskGroup(of: Void.self) { group in
        group.addTask { try await server.run() }
        let result: T
        do { result = try await body(url) } catch {
            server.shutdown()
            throw error
        }
        server.shutdown()
        return result
    }
}
