import Foundation

/// A fresh directory under the system temp dir for one test; removed when the closure returns.
///
/// Every test gets its own directory so that tests never share state files and can run in parallel.
public func withTemporaryDirectory<T>(
    _ prefix: String = "activityhook-test",
    _ body: (URL) async throws -> T
) async rethrows -> T {
    let url = makeTemporaryDirectory(prefix)
    defer { try? FileManager.default.removeItem(at: url) }
    return try await body(url)
}

/// Creates a unique temporary directory and returns its URL; the caller removes it.
public func makeTemporaryDirectory(_ prefix: String = "activityhook-test") -> URL {
    var template = Array("\(NSTemporaryDirectory())/\(prefix)-XXXXXX".utf8CString)
    let made = template.withUnsafeMutableBufferPointer { buffer in mkdtemp(buffer.baseAddress!) }
    precondition(made != nil, "mkdtemp failed: \(errno)")
    let path = String(cString: template.withUnsafeBufferPointer { $0.baseAddress! })
    return URL(fileURLWithPath: path, isDirectory: true)
}
