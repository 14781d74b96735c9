import Foundation

/// A real nginx for tests, started in `directory` with an `http { … }` block of the caller's.
///
/// Starts nginx on a free port and returns once its listening socket is open: nginx logs its
/// "getrlimit(RLIMIT_NOFILE)" notice (to stderr) after binding, and connections made before it accepts
/// wait in the backlog. One process (`master_process off`): a worker cannot outlive the test when the
/// process is killed. Should the port from ``freePort()`` be taken before nginx binds it, nginx exits
/// with "Address already in use" and is started on another one. nginx is installed by scripts/setup; a
/// missing nginx fails the test rather than skipping it.
public enum Nginx {
    public static let executable = "/usr/sbin/nginx"

    /// `servers(port)` returns the `server { … }` blocks (and any upstreams) to put inside `http { … }`,
    /// listening on `port`. Stop the returned process with SIGQUIT.
    public static func start(in dir: URL, servers: (UInt16) -> String) async throws -> (ChildProcess, UInt16) {
        for _ in 0..<5 {
            let port = try freePort()
            let conf = """
                master_process off;
                error_log stderr notice;
                pid \(dir.path)/nginx.pid;
                events { worker_connections 64; }
                http {
                    access_log off;
                    client_body_temp_path \(dir.path)/body; proxy_temp_path \(dir.path)/proxy;
                    fastcgi_temp_path \(dir.path)/fcgi; uwsgi_temp_path \(dir.path)/uwsgi; scgi_temp_path \(dir.path)/scgi;
                    \(servers(port))
                }
                """
            let confPath = dir.appendingPathComponent("nginx.conf").path
            try conf.write(toFile: confPath, atomically: true, encoding: .utf8)
            let nginx = try ChildProcess(URL(fileURLWithPath: Self.executable),
                                         ["-p", dir.path, "-c", confPath, "-g", "daemon off;"], stderrToStdout: true)
            let line = await nginx.waitForLine { $0.contains("getrlimit(RLIMIT_NOFILE)") || $0.contains("[emerg]") }
            if let line, line.contains("getrlimit") { return (nginx, port) }
            _ = await nginx.waitForExit()
            guard let line, line.contains("Address already in use") else {
                throw TestSupportError("nginx did not start: \(line ?? "no output")")
            }
        }
        throw TestSupportError("nginx found no free port in 5 attempts")
    }
}
