import Foundation
import HookHTTPClient

/// Fetches every URL of a file with `parallel` transfers in flight: the Swift side of
/// `scripts/bench client`, compared with `curl --parallel --parallel-max N` over the same URLs.
func benchClient(_ arguments: [String]) async -> Int32 {
    guard arguments.count >= 2, let parallel = Int(arguments[1]),
          let text = try? String(contentsOfFile: arguments[0], encoding: .utf8)
    else {
        FileHandle.standardError.write(Data("usage: bench-client URLS_FILE PARALLEL\n".utf8))
        return 2
    }
    let urls = text.split(separator: "\n").map(String.init)
    do {
        let client = try HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentTransfers: parallel))
        defer { client.shutdown() }
        let clock = ContinuousClock()
        let start = clock.now
        let (bytes, failures) = try await withThrowingTaskGroup(of: (Int, Int).self) { group in
            var next = 0
            var bytes = 0
            var failures = 0
            // Keep exactly `parallel` requests outstanding, as curl --parallel-max does.
            func add() {
                guard next < urls.count else { return }
                let url = urls[next]
                next += 1
                group.addTask {
                    let response = try await client.execute(HTTPClientRequest(url: url), maxBodyBytes: 8 << 20)
                    return (response.body.count, response.status == 200 ? 0 : 1)
                }
            }
            for _ in 0..<parallel { add() }
            while let (count, failed) = try await group.next() {
                bytes += count
                failures += failed
                add()
            }
            return (bytes, failures)
        }
        let seconds = Double((clock.now - start).components.attoseconds) / 1e18 + Double((clock.now - start).components.seconds)
        print("fetched=\(urls.count) bytes=\(bytes) failures=\(failures) seconds=\(String(format: "%.3f", seconds))")
        return failures == 0 ? 0 : 1
    } catch {
        FileHandle.standardError.write(Data("bench-client: \(error)\n".utf8))
        return 1
    }
}
