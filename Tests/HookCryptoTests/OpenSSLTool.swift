import Foundation
import HookTestSupport

/// Runs the `openssl` command-line tool, the independent reference the signature and
/// certificate tests compare against.
enum OpenSSLTool {
    /// The exit status and the combined stdout and stderr of one run.
    struct Result {
        let status: Int32
        let output: String
    }

    static func executable() throws -> URL {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? "/usr/bin:/bin"
        for directory in path.split(separator: ":") {
            let candidate = URL(fileURLWithPath: String(directory)).appendingPathComponent("openssl")
            if FileManager.default.isExecutableFile(atPath: candidate.path) { return candidate }
        }
        throw TestSupportError("the openssl command-line tool is not on PATH")
    }

    /// Runs `openssl arguments...` to completion.
    static func run(_ arguments: [String]) async throws -> Result {
        let child = try ChildProcess(try self.executable(), arguments, stderrToStdout: true)
        var lines: [String] = []
        while let line = await child.nextLine() { lines.append(line) }
        let status = await child.waitForExit()
        return Result(status: status, output: lines.joined(separator: "\n"))
    }

    /// Runs `openssl arguments...` and fails unless it exits with status 0; returns its output.
    @discardableResult
    static func succeed(_ arguments: [String]) async throws -> String {
        let result = try await self.run(arguments)
        guard result.status == 0 else {
            throw TestSupportError("openssl \(arguments.joined(separator: " ")) exited \(result.status): \(result.output)")
        }
        return result.output
    }

    /// Generates a 2048-bit RSA key at `path` (PKCS#8 PEM).
    static func generateRSAKey(at path: String) async throws {
        try await self.succeed(["genpkey", "-algorithm", "RSA", "-pkeyopt", "rsa_keygen_bits:2048", "-out", path])
    }

    /// Writes the public half of the private key at `keyPath` to `path` (SubjectPublicKeyInfo PEM).
    static func extractPublicKey(from keyPath: String, to path: String) async throws {
        try await self.succeed(["pkey", "-in", keyPath, "-pubout", "-out", path])
    }

    /// The `-sigopt` arguments of `openssl dgst` that select `algorithm`'s padding.
    static func signatureOptions(_ algorithm: String) -> [String] {
        algorithm == "PS256"
            ? ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:-1"]
            : ["-sigopt", "rsa_padding_mode:pkcs1"]
    }
}

extension URL {
    /// The path of `name` inside this directory.
    func file(_ name: String) -> String { self.appendingPathComponent(name).path }
}

/// Writes `bytes` to the file at `path`.
func writeBytes(_ bytes: [UInt8], to path: String) throws {
    try Data(bytes).write(to: URL(fileURLWithPath: path))
}

/// The bytes of the file at `path`.
func readBytes(_ path: String) throws -> [UInt8] {
    [UInt8](try Data(contentsOf: URL(fileURLWithPath: path)))
}
