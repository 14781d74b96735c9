import Foundation

/// Finds executables built by this package (fixtures, the CLI) for end-to-end tests.
///
/// `swift test` puts the test bundle and the package's executables in the same build directory,
/// so the search walks up from the running test binary. `ACTIVITYHOOK_BIN_DIR` overrides it.
public enum TestBinaries {
    public static func url(named name: String) -> URL? {
        let fm = FileManager.default
        if let dir = ProcessInfo.processInfo.environment["ACTIVITYHOOK_BIN_DIR"] {
            let candidate = URL(fileURLWithPath: dir).appendingPathComponent(name)
            if fm.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        var dir = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath()
        for _ in 0..<6 {
            dir = dir.deletingLastPathComponent()
            let candidate = dir.appendingPathComponent(name)
            if fm.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        return nil
    }

    /// Like `url(named:)` but fails loudly with the searched name.
    public static func require(_ name: String) throws -> URL {
        guard let url = url(named: name) else { throw TestSupportError("executable \(name) not found next to the test bundle") }
        return url
    }
}

/// A plain error with a message, for test harness failures.
public struct TestSupportError: Error, CustomStringConvertible {
    public let description: String
    public init(_ description: String) { self.description = description }
}
