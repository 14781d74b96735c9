import Foundation
import Synchronization

/// A throwaway certificate authority made with the `openssl` command for one test: a CA, a server
/// certificate for `127.0.0.1`/`localhost`, and a client certificate, all PEM files in `directory`.
public struct TestPKI: Sendable {
    public let directory: URL
    public var caCertificate: String { self.directory.appendingPathComponent("ca.pem").path }
    public var caKey: String { self.directory.appendingPathComponent("ca.key").path }
    public var serverCertificate: String { self.directory.appendingPathComponent("server.pem").path }
    public var serverKey: String { self.directory.appendingPathComponent("server.key").path }
    public var clientCertificate: String { self.directory.appendingPathComponent("client.pem").path }
    public var clientKey: String { self.directory.appendingPathComponent("client.key").path }

    /// Creates the CA and both leaf certificates; `name` distinguishes several CAs in one test.
    /// The five `openssl` runs (three RSA key generations) block a thread of their own.
    ///
    /// Each `name` is generated once per test process and copied for every further test: fewer `openssl`
    /// runs, and fewer of Foundation's `Process.run()` calls, which twice crashed the suite with a
    /// segfault in `memcpy` while many threads were busy. Tests get their own copy, so none sees another's files.
    public init(in directory: URL, name: String = "ActivityHook Test CA") async throws {
        self.directory = directory
        let pki = self
        try await onOwnThread { try pki.copyOrGenerate(name: name) }
    }

    private static let files = ["ca.pem", "ca.key", "server.pem", "server.key", "client.pem", "client.key"]
    private static let masters = Mutex<[String: URL]>([:])

    private func copyOrGenerate(name: String) throws {
        // Held while generating, so two tests asking for the same name at once make it only once.
        try Self.masters.withLock { masters in
            let master: URL
            if let cached = masters[name] {
                master = cached
            } else {
                master = FileManager.default.temporaryDirectory
                    .appendingPathComponent("activityhook-pki-\(getpid())-\(masters.count)")
                try TestPKI(uncheckedDirectory: master).generate(name: name)
                masters[name] = master
            }
            try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
            for file in Self.files {
                let target = self.directory.appendingPathComponent(file)
                try? FileManager.default.removeItem(at: target)
                try FileManager.default.copyItem(at: master.appendingPathComponent(file), to: target)
            }
        }
    }

    private init(uncheckedDirectory: URL) { self.directory = uncheckedDirectory }

    private func generate(name: String) throws {
        try FileManager.default.createDirectory(at: self.directory, withIntermediateDirectories: true)
        let dir = self.directory.path
        try Self.openssl(["req", "-x509", "-newkey", "rsa:2048", "-nodes", "-days", "2", "-subj", "/CN=\(name)",
                          "-keyout", "\(dir)/ca.key", "-out", "\(dir)/ca.pem",
                          "-addext", "basicConstraints=critical,CA:TRUE", "-addext", "keyUsage=critical,keyCertSign,cRLSign"])
        try self.issue("server", subject: "/CN=localhost",
                       extensions: "subjectAltName=IP:127.0.0.1,IP:::1,DNS:localhost\nextendedKeyUsage=serverAuth\n")
        try self.issue("client", subject: "/CN=activityhook-test-client", extensions: "extendedKeyUsage=clientAuth\n")
    }

    /// Issues another client certificate from this CA, for `name` (CN and subjectAltName DNS), as
    /// `<file>.pem` and `<file>.key` in the directory; returns their paths.
    public func issueClientCertificate(name: String, file: String) async throws -> (certificate: String, key: String) {
        let pki = self
        try await onOwnThread {
            try pki.issue(file, subject: "/CN=\(name)", extensions: "subjectAltName=DNS:\(name)\nextendedKeyUsage=clientAuth\n")
        }
        return (self.directory.appendingPathComponent("\(file).pem").path, self.directory.appendingPathComponent("\(file).key").path)
    }

    private func issue(_ leaf: String, subject: String, extensions: String) throws {
        let dir = self.directory.path
        try extensions.write(toFile: "\(dir)/\(leaf).ext", atomically: true, encoding: .utf8)
        try Self.openssl(["req", "-newkey", "rsa:2048", "-nodes", "-subj", subject,
                          "-keyout", "\(dir)/\(leaf).key", "-out", "\(dir)/\(leaf).csr"])
        try Self.openssl(["x509", "-req", "-in", "\(dir)/\(leaf).csr", "-CA", "\(dir)/ca.pem", "-CAkey", "\(dir)/ca.key",
                          "-CAcreateserial", "-days", "2", "-extfile", "\(dir)/\(leaf).ext", "-out", "\(dir)/\(leaf).pem"])
    }

    /// Runs `openssl` with `arguments`, throwing with its output when it fails.
    @discardableResult
    public static func openssl(_ arguments: [String]) throws -> String {
        try runBlocking("/usr/bin/openssl", arguments)
    }
}

/// Runs a command to completion on a thread of its own and returns its standard output; throws on a
/// non-zero exit.
@discardableResult
public func run(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil) async throws -> String {
    try await onOwnThread { try runBlocking(executable, arguments, stdin: stdin) }
}

@discardableResult
func runBlocking(_ executable: String, _ arguments: [String], stdin: [UInt8]? = nil) throws -> String {
    let result = try Spawn.run(executable, arguments, stdin: stdin)
    guard result.status == 0 else {
        throw TestSupportError("\(executable) \(arguments.joined(separator: " ")) exited \(result.status): "
                               + String(decoding: result.stderr, as: UTF8.self))
    }
    let output = result.stdout
    return String(decoding: output, as: UTF8.self)
}
