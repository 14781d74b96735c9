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

