import Foundation

/// Debian's tinyproxy on a free loopback port, in the foreground, for tests of the client behind an
/// HTTPS proxy (CONNECT tunnels). Ready once it logs that it accepts connections (no sleeps).
public final class Tinyproxy: Sendable {
    public let child: ChildProcess
    public let url: String

    public static let executable = URL(fileURLWithPath: "/usr/bin/tinyproxy")

    /// Starts it with a config written into `directory`; throws when it does not become ready.
    public init(directory: URL) async throws {
        let port = try freePort()
        let config = directory.appendingPathComponent("tinyproxy.conf")
        // No ConnectPort lines: CONNECT is allowed to any port (the test servers' are not 443).
        try "Port \(port)\nListen 127.0.0.1\nTimeout 60\nLogLevel Info\nMaxClients 64\nAllow 127.0.0.1\n"
            .write(to: config, atomically: true, encoding: .utf8)
        self.child = try ChildProcess(Self.executable, ["-d", "-c", config.path], stderrToStdout: true)
        self.url = "http://127.0.0.1:\(port)"
        guard await self.child.waitForLine(where: { $0.contains("Accepting connections") }) != nil else {
            throw TinyproxyError.notReady
        }
    }

    /// Stops it and returns the rest of its log (its CONNECT lines show which requests it carried).
    /// SIGKILL: tinyproxy lingers on SIGTERM, and every line it logged is already in the pipe.
    public func stop() async -> [String] {
        self.child.signal(SIGKILL)
        var lines: [String] = []
        while let line = await self.child.nextLine() { lines.append(line) }
        _ = await self.child.waitForExit()
        return lines
    }

    public enum TinyproxyError: Error { case notReady }
}
