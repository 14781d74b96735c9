import Foundation
import HookTestSupport

/// Runs the built `activityhook` binary to completion and returns (status, stdout, stderr).
func runCLI(_ arguments: [String], environment: [String: String] = [:]) throws -> (status: Int32, out: String, err: String) {
    let process = Process()
    process.executableURL = try TestBinaries.require("activityhook")
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let out = Pipe()
    let err = Pipe()
    process.standardOutput = out
    process.standardError = err
    process.standardInput = FileHandle.nullDevice
    try process.run()
    // Read both pipes concurrently so a full stderr pipe cannot block the child.
    let errData = Mutexed(Data())
    let reader = Thread { errData.set(err.fileHandleForReading.readDataToEndOfFile()) }
    reader.start()
    let outData = out.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    while !errData.done { usleep(1000) }
    return (process.terminationStatus, String(decoding: outData, as: UTF8.self), String(decoding: errData.value, as: UTF8.self))
}

/// A minimal lock-protected box for the reader thread above.
final class Mutexed<T>: @unchecked Sendable {
    // Invariant: `value` and `done` are only accessed under `lock`.
    private let lock = NSLock()
    private var stored: T
    private var finished = false
    init(_ value: T) { self.stored = value }
    func set(_ value: T) { self.lock.withLock { self.stored = value; self.finished = true } }
    var value: T { self.lock.withLock { self.stored } }
    var done: Bool { self.lock.withLock { self.finished } }
}

/// The repository root, found from this source file's path.
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// Writes a small valid configuration listening on 127.0.0.1:0 into `directory` and returns its path.
func writeTestConfig(in directory: URL, extraServer: String = "", authId: String = "test-auth-id-0123456789") throws -> String {
    let yaml = """
        server:
          listen: "127.0.0.1:0"
          path: /activity-webhook
          publicUrl: "http://127.0.0.1:1/activity-webhook"
          authId: "\(authId)"
        \(extraServer)
        state:
          path: ./state.sqlite
        tenants:
          - tenantId: "11111111-2222-3333-4444-555555555555"
            clientId: "66666666-7777-8888-9999-000000000000"
            clientSecret: "not-a-real-secret-value"
            contentTypes: [Audit.General, DLP.All]
        sinks:
          - name: archive
            type: file
            path: ./records.jsonl
        """
    let path = directory.appendingPathComponent("activityhook.yaml").path
    try yaml.write(toFile: path, atomically: true, encoding: .utf8)
    return path
}
