import Foundation
import HookHTTPClient
import Synchronization

/// Fetches every URL of a file with at most `parallel` transfers in flight: the Swift side of
/// `scripts/bench client`, compared with `curl --parallel --parallel-max N` over the same URLs.
///
///     bench-client URLS_FILE PARALLEL [callback|async|stream]
///
/// Every URL is handed to the client at once, as curl gets them all; the client keeps `parallel`
/// transfers in flight and starts the next on its own thread the moment one finishes.
/// - `callback` (default): completion handlers on the client's thread, no task per request.
/// - `async`: one child task per request awaiting `execute` (adds a thread hop per request).
/// - `stream`: like async, but the body is streamed and counted, never collected.
func benchClient(_ arguments: [String]) async -> Int32 {
    guard arguments.count >= 2, let parallel = Int(arguments[1]),
          let text = try? String(contentsOfFile: arguments[0], encoding: .utf8)
    else {
        FileHandle.standardError.write(Data("usage: bench-client URLS_FILE PARALLEL [callback|async|stream]\n".utf8))
        return 2
    }
    let urls = text.split(separator: "\n").map(String.init)
    let mode = arguments.count > 2 ? arguments[2] : "callback"
    do {
        let client = try HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentTransfers: parallel))
        defer { client.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        let (bytes, failures) = mode == "callback"
            ? await fetchWithCallbacks(client, urls)
            : try await fetchWithTasks(client, urls, stream: mode == "stream")
        let elapsed = clock.now - start
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("mode=\(mode) fetched=\(urls.count) bytes=\(bytes) failures=\(failures) seconds=\(String(format: "%.3f", seconds))")
        return failures == 0 ? 0 : 1
    } catch {
        FileHandle.standardError.write(Data("bench-client: \(error)\n".utf8))
        return 1
    }
}

private func fetchWithCallbacks(_ client: HTTPClient, _ urls: [String]) async -> (Int, Int) {
    let totals = Mutex<(bytes: Int, failures: Int, left: Int)>((0, 0, urls.count))
    await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
        for url in urls {
            client.execute(HTTPClientRequest(url: url), maxBodyBytes: 8 << 20) { result in
                let finished = totals.withLock { totals in
                    switch result {
                    case .success(let response) where response.status == 200: totals.bytes += response.body.count
                    default: totals.failures += 1
                    }
                    totals.left -= 1
                    return totals.left == 0
                }
                if finished { done.resume() }
            }
        }
    }
    return totals.withLock { ($0.bytes, $0.failures) }
}

private func fetchWithTasks(_ client: HTTPClient, _ urls: [String], stream: Bool) async throws -> (Int, Int) {
    try await withThrowingTaskGroup(of: (Int, Int).self) { group in
        for url in urls {
            group.addTask {
                if stream {
                    let response = try await client.stream(HTTPClientRequest(url: url))
                    var count = 0
                    for try await chunk in response.body { count += chunk.count }
                    return (count, response.status == 200 ? 0 : 1)
                }
                let response = try await client.execute(HTTPClientRequest(url: url), maxBodyBytes: 8 << 20)
                return (response.body.count, response.status == 200 ? 0 : 1)
            }
        }
        var totals = (0, 0)
        while let (count, failed) = try await group.next() {
            totals.0 += count
            totals.1 += failed
        }
        return totals
    }
}
