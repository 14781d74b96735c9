import Foundation
import Testing

/// Issue 12 item 12: the sinks reach the retry policy and the token provider through modules of their own
/// (HookRetry, HookEntraAuth), never through the Management API client, so nothing in that client's error
/// path can travel into a sink (docs/remote-input.md).
@Suite struct LayeringTests {
    static let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    @Test func noSinkSourceImportsTheManagementAPIClient() throws {
        let directory = Self.root.appendingPathComponent("Sources/HookSinks")
        let files = try FileManager.default.contentsOfDirectory(atPath: directory.path).filter { $0.hasSuffix(".swift") }
        #expect(files.count > 10)
        for file in files {
            let text = try String(contentsOf: directory.appendingPathComponent(file), encoding: .utf8)
            #expect(!text.contains("import HookManagementAPI"), "\(file) imports HookManagementAPI")
        }
    }

    @Test func theSinksTargetDependsOnHookRetryAndHookEntraAuthButNotOnTheAPIClient() throws {
        let manifest = try String(contentsOf: Self.root.appendingPathComponent("Package.swift"), encoding: .utf8)
        let start = try #require(manifest.range(of: "name: \"HookSinks\""))
        let end = try #require(manifest.range(of: "]", range: start.upperBound..<manifest.endIndex))
        let dependencies = manifest[start.upperBound..<end.lowerBound]
        #expect(dependencies.contains("\"HookRetry\""))
        #expect(dependencies.contains("\"HookEntraAuth\""))
        #expect(!dependencies.contains("HookManagementAPI"))
    }
}
