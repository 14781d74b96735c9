import Foundation

/// A blocking TCP client for hostile-input tests: it sends exactly the bytes given (partial requests,
/// lies in headers, slow drips) and reads whatever comes back. Every read has a deadline, so a test
/// can never hang on it. Reads block a thread of their own (``onOwnThread(_:)``), never the pool.
public final class RawSocket: @unchecked Sendable {
    // Invariant: a test uses a socket from one task at a time (send, then await a read); the
    // descriptor is only closed in deinit.
    private let fd: Int32

    /// Connects to 127.0.0.1:`port`, from the loopback address `source` when given (e.g. `127.0.0.2`, to be
    /// another client address); reads time out after `readTimeout` seconds.
    public init(port: UInt16, readTimeout: Int = 10, source: String? = nil) throws {
        self.fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard self.fd >= 0 else { throw TestSupportError("socket: \(errno)") }
        var timeout = timeval(tv_sec: readTimeout, tv_usec: 0)
        setsockopt(self.fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        if let source {
            var local = sockaddr_in()
            local.sin_family = sa_family_t(AF_INET)
            local.sin_addr.s_addr = inet_addr(source)
            let bound = withUnsafePointer(to: &local) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(self.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
            }
            guard bound == 0 else {
                close(self.fd)
                throw TestSupportError("bind to \(source): errno \(errno)")
            }
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let rc = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(self.fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard rc == 0 else {
            close(self.fd)
            throw TestSupportError("connect to port \(port): errno \(errno)")
        }
    }

    deinit { close(self.fd) }

    /// Sends all bytes; returns false if the peer closed the connection.
    @discardableResult
    public func send(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes[offset...].withUnsafeBytes { Glibc.send(self.fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }

    @discardableResult
    public func send(_ text: String) -> Bool { self.send(Array(text.utf8)) }

    /// Reads until the peer closes, the deadline passes, or `limit` bytes arrived.
    public func readAll(limit: Int = 1 << 20) async -> [UInt8] {
        await onOwnThread { self.readAllBlocking(limit: limit) }
    }

    /// ``readAll(limit:)``, and how long the read took, timed on the reading thread: a test's own clock
    /// would also count the wait for a free thread of the pool to resume it, which on a loaded 2-core
    /// machine has taken seconds.
    public func readAllTimed(limit: Int = 1 << 20) async -> (bytes: [UInt8], elapsed: Duration) {
        await onOwnThread {
            let clock = ContinuousClock()
            let start = clock.now
            let bytes = self.readAllBlocking(limit: limit)
            return (bytes, clock.now - start)
        }
    }

    /// Reads one HTTP response head and returns its status code (nil if none arrived).
    public func readStatus() async -> Int? {
        await onOwnThread { self.readStatusBlocking() }
    }

    private func readAllBlocking(limit: Int) -> [UInt8] {
        var out: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 16384)
        while out.count < limit {
            let n = chunk.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out += chunk[..<n]
        }
        return out
    }

    private func readStatusBlocking() -> Int? {
        var out: [UInt8] = []
        var byte: UInt8 = 0
        while out.count < 65536 {
            let n = recv(self.fd, &byte, 1, 0)
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            out.append(byte)
            if out.count >= 4 && out.suffix(4) == [13, 10, 13, 10] { break }
        }
        let text = String(decoding: out, as: UTF8.self)
        let parts = text.split(separator: " ", maxSplits: 2)
        return parts.count > 1 ? Int(parts[1]) : nil
    }

    /// True when the peer has closed or reset the connection (a read would return end of stream or an
    /// error at once); false while it is open with nothing to read. Never blocks.
    public var peerClosed: Bool {
        var byte: UInt8 = 0
        let n = recv(self.fd, &byte, 1, Int32(MSG_PEEK | MSG_DONTWAIT))
        if n == 0 { return true }
        if n < 0 { return errno != EAGAIN && errno != EWOULDBLOCK && errno != EINTR }
        return false  // bytes are waiting (a response): still open
    }

    /// Half-closes the sending side (the peer reads end of stream).
    public func shutdownWrite() { Glibc.shutdown(self.fd, Int32(SHUT_WR)) }
}
