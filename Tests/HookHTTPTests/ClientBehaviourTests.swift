import Foundation
import HookHTTPClient
import HookHTTPServer
import HookTestSupport
import Testing
import Synchronization

@Suite("HTTP client behaviour")
struct ClientBehaviourTests {
    @Test("a server that accepts but never answers makes the request time out")
    func timeout() async throws {
        let listener = try SilentListener()
        try await withClient(HTTPClientConfiguration(timeout: .milliseconds(300))) { client in
            do {
                _ = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(listener.port)/"))
                Issue.record("a silent server produced a response")
            } catch let error as HTTPClientError {
                #expect(error.code == .timeout)
                #expect(error.isTransient)
            }
        }
    }

    @Test("a refused connection is a transient connect error")
    func refused() async throws {
        let closed = try SilentListener(listening: false)  // bound, never listening: refused while it lives
        try await withClient { client in
            do {
                _ = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(closed.port)/"))
                Issue.record("a closed port answered")
            } catch let error as HTTPClientError {
                #expect(error.code == .connect)
            }
        }
        withExtendedLifetime(closed) {}
    }

    @Test("gzip and deflate response bodies are decoded")
    func compression() async throws {
        let plain = Array(String(repeating: "activity record ", count: 2000).utf8)
        try await withServer(handler: await GzipHandler(plain: plain)) { server in
            try await withClient { client in
                let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/"))
                #expect(response.status == 200)
                #expect(response.headers["Content-Encoding"] == "gzip")
                #expect(response.body == plain)
            }
        }
    }

    @Test("the completion-handler API delivers every response (or error) exactly once")
    func completionHandlers() async throws {
        try await withServer { server in
            try await withClient(HTTPClientConfiguration(maxConcurrentTransfers: 3)) { client in
                let results = await withCheckedContinuation { (done: CheckedContinuation<[Int: String], Never>) in
                    let collected = Mutexed<[Int: String]>([:])
                    let urls = (0..<40).map { "http://127.0.0.1:\(server.port)/echo?n=\($0)" } + ["http://127.0.0.1:1/refused"]
                    for (index, url) in urls.enumerated() {
                        client.execute(HTTPClientRequest(method: "POST", url: url, body: Array("body \(index)".utf8))) { result in
                            let text: String
                            switch result {
                            case .success(let response): text = String(decoding: response.body, as: UTF8.self)
                            case .failure(let error): text = "error \(error.code)"
                            }
                            if collected.update({ $0[index] = text; return $0.count }) == urls.count { done.resume(returning: collected.value) }
                        }
                    }
                }
                #expect(results.count == 41)
                for index in 0..<40 { #expect(results[index] == "body \(index)") }
                #expect(results[40] == "error connect")
            }
        }
    }

    @Test("a handler's .abort drops the connection: the client gets a transport error, the server keeps serving")
    func abort() async throws {
        try await withServer { server in
            try await withClient { client in
                do {
                    _ = try await client.execute(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/abort", body: [1]))
                    Issue.record("an aborted request produced a response")
                } catch let error as HTTPClientError {
                    #expect(error.code == .transfer)
                }
                let after = try await client.execute(HTTPClientRequest(method: "POST", url: "http://127.0.0.1:\(server.port)/echo", body: [7]))
                #expect(after.body == [7])
            }
        }
    }

    @Test("the Date header is parsed into an instant")
    func dateHeader() throws {
        let date = try #require(HTTPDate(imfFixdate: "Sun, 06 Nov 1994 08:49:37 GMT"))
        #expect(date.secondsSince1970 == 784_111_777)
        #expect(HTTPDate(imfFixdate: "Sunday, 06-Nov-94 08:49:37 GMT") == nil)
        #expect(HTTPDate(imfFixdate: "Sun, 32 Nov 1994 08:49:37 GMT") == nil)
    }

    @Test("response headers are case-insensitive and the server's Date is readable")
    func headers() async throws {
        try await withServer { server in
            try await withClient { client in
                let response = try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(server.port)/inspect"))
                #expect(response.headers["content-type"] == response.headers["CONTENT-TYPE"])
                let now = Int64(Date().timeIntervalSince1970)
                let served = try #require(response.date)
                #expect(abs(served.secondsSince1970 - now) < 120)
            }
        }
    }

    @Test("cancelling the calling task cancels the transfer")
    func cancellation() async throws {
        let listener = try SilentListener()
        try await withClient { client in
            let task = Task { try await client.execute(HTTPClientRequest(url: "http://127.0.0.1:\(listener.port)/")) }
            task.cancel()
            do {
                _ = try await task.value
                Issue.record("cancelled request returned a response")
            } catch let error as HTTPClientError {
                #expect(error.code == .cancelled)
            }
        }
    }
}

/// Serves a gzip-compressed body made by the `gzip` command, with `Content-Encoding: gzip`.
struct GzipHandler: HTTPHandler {
    let compressed: [UInt8]
    init(plain: [UInt8]) async {
        let directory = makeTemporaryDirectory()
        defer { try? FileManager.default.removeItem(at: directory) }
        let file = directory.appendingPathComponent("body")
        _ = FileManager.default.createFile(atPath: file.path, contents: Data(plain))
        _ = try? await run("/bin/gzip", ["-9", file.path])
        self.compressed = (try? [UInt8](Data(contentsOf: directory.appendingPathComponent("body.gz")))) ?? []
    }
    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision { .readBody(maxBodyBytes: 0) }
    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        .response(HTTPResponse(status: 200, headers: ["Content-Encoding": "gzip"], body: self.compressed))
    }
}

/// A lock-protected value for callbacks that arrive on the client's thread.
final class Mutexed<T: Sendable>: Sendable {
    private let storage: Mutex<T>
    init(_ value: T) { self.storage = Mutex(value) }
    func update<R: Sendable>(_ body: (inout T) -> R) -> R { self.storage.withLock { body(&$0) } }
    var value: T { self.storage.withLock { $0 } }
}
