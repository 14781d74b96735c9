import Foundation
import Synchronization

/// A plain TCP relay on 127.0.0.1:0 in front of an HTTP server that can stall responses mid-body, as a
/// server that stops sending (or a half-open connection) does.
///
/// While `stalls` is above zero, a request whose bytes contain `marker` has only the first `keepBytes`
/// bytes of its response relayed; after that nothing more is sent on that connection, which stays open
/// until the client gives up. Every other byte is relayed unchanged. ``freeze()`` makes every connection
/// open at that moment go silent in both directions without closing, as a peer behind a dropped NAT
/// mapping does; that works on encrypted (TLS, HTTP/2) traffic, where no marker can be seen. Blocking
/// sockets, one thread per direction of each connection (never the cooperative pool).
public final class StallingRelay: @unchecked Sendable {
    // Invariant: `listener` is set in init and only shut down in `close`; all mutable state is in `state`.
    public let port: UInt16
    private let listener: Int32
    private let upstreamPort: UInt16
    private let marker: [UInt8]
    private let keepBytes: Int
    private let state: Mutex<State>
    private let stalledCondition = NSCondition()

    private struct State {
        var stallsLeft: Int
        var stalled = 0
        var sockets: [Int32] = []
        var open = true
        var connections: [Connection] = []
    }

    public init(upstreamPort: UInt16, marker: String, stalls: Int, keepBytes: Int = 1_024) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: \(errno)") }
        var address = Self.loopback(port: 0)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && listen(fd, 64) == 0 && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            Glibc.close(fd)
            throw TestSupportError("bind/listen: \(errno)")
        }
        self.listener = fd
        self.port = UInt16(bigEndian: address.sin_port)
        self.upstreamPort = upstreamPort
        self.marker = Array(marker.utf8)
        self.keepBytes = keepBytes
        self.state = Mutex(State(stallsLeft: stalls))
        Thread.detachNewThread { [self] in self.acceptLoop() }
    }

    deinit { self.close() }

    /// `http://127.0.0.1:<port>`.
    public var url: String { "http://127.0.0.1:\(self.port)" }

    /// Responses stalled so far.
    public var stalled: Int { self.state.withLock { $0.stalled } }

    /// Connections accepted so far.
    public var connections: Int { self.state.withLock { $0.connections.count } }

    /// Silences every connection open now, both ways: nothing more is relayed on it, nothing is closed.
    /// Connections accepted later are relayed normally.
    public func freeze() {
        for connection in self.state.withLock({ $0.connections }) { connection.frozen.withLock { $0 = true } }
    }

    /// Waits (on a thread of its own) until `count` responses have stalled, or `seconds` passed; the count.
    public func waitForStalls(_ count: Int, within seconds: Double = 60) async -> Int {
        await onOwnThread {
            let deadline = Date().addingTimeInterval(seconds)
            self.stalledCondition.lock()
            defer { self.stalledCondition.unlock() }
            while self.stalled < count, self.stalledCondition.wait(until: deadline) {}
            return self.stalled
        }
    }

    /// Stops accepting and tears down every relayed connection.
    public func close() {
        let sockets = self.state.withLock { state -> [Int32] in
            guard state.open else { return [] }
            state.open = false
            return state.sockets
        }
        Glibc.shutdown(self.listener, Int32(SHUT_RDWR))
        for fd in sockets { Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
    }

    private static func loopback(port: UInt16) -> sockaddr_in {
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        return address
    }

    private func acceptLoop() {
        while true {
            let client = accept(self.listener, nil, nil)
            if client < 0 {
                if errno == EINTR { continue }
                Glibc.close(self.listener)
                return
            }
            let upstream = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
            var address = Self.loopback(port: self.upstreamPort)
            let connected = upstream >= 0 && withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(upstream, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0 }
            }
            let connection = Connection()
            let registered = self.state.withLock { state -> Bool in
                guard state.open, connected else { return false }
                state.sockets += [client, upstream]
                state.connections.append(connection)
                return true
            }
            guard registered else {
                Glibc.close(client)
                if upstream >= 0 { Glibc.close(upstream) }
                continue
            }
            Thread.detachNewThread { [self] in self.relayRequests(client: client, upstream: upstream, connection) }
            Thread.detachNewThread { [self] in self.relayResponses(upstream: upstream, client: client, connection) }
        }
    }

    /// Per connection: bytes of the current response still to relay before it stalls (nil: no stall).
    private final class Connection: Sendable {
        let budget = Mutex<Int?>(nil)
        let frozen = Mutex(false)
    }

    /// Client → upstream; arms the stall when a request carries the marker. Owns closing both sockets.
    private func relayRequests(client: Int32, upstream: Int32, _ connection: Connection) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if connection.frozen.withLock({ $0 }) { continue }  // read and dropped: a black hole
            let chunk = Array(buffer[..<n])
            if chunk.firstRange(of: self.marker) != nil {
                let arm = self.state.withLock { state -> Bool in
                    guard state.stallsLeft > 0 else { return false }
                    state.stallsLeft -= 1
                    return true
                }
                if arm { connection.budget.withLock { $0 = self.keepBytes } }
            }
            guard Self.sendAll(upstream, chunk[...]) else { break }
        }
        Glibc.shutdown(upstream, Int32(SHUT_RDWR))
        Glibc.shutdown(client, Int32(SHUT_RDWR))
        self.state.withLock { $0.sockets.removeAll { $0 == client || $0 == upstream } }
        Glibc.close(upstream)
        Glibc.close(client)
    }

    /// Upstream → client, until an armed stall's budget is spent; then this direction goes silent.
    private func relayResponses(upstream: Int32, client: Int32, _ connection: Connection) {
        var buffer = [UInt8](repeating: 0, count: 16_384)
        while true {
            let n = buffer.withUnsafeMutableBytes { recv(upstream, $0.baseAddress, $0.count, 0) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { break }
            if connection.frozen.withLock({ $0 }) { return }  // silent from now on, as below
            let allowed = connection.budget.withLock { budget -> Int in
                guard let left = budget else { return n }
                budget = left - min(left, n)
                return min(left, n)
            }
            if allowed > 0 && !Self.sendAll(client, buffer[..<allowed]) { break }
            if allowed < n {
                self.stalledCondition.lock()
                self.state.withLock { $0.stalled += 1 }
                self.stalledCondition.broadcast()
                self.stalledCondition.unlock()
                return  // silent from now on; the request side closes the connection when the client leaves
            }
        }
        Glibc.shutdown(client, Int32(SHUT_WR))
    }

    private static func sendAll(_ fd: Int32, _ bytes: ArraySlice<UInt8>) -> Bool {
        var offset = bytes.startIndex
        while offset < bytes.endIndex {
            let n = bytes[offset...].withUnsafeBytes { send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            if n < 0 && errno == EINTR { continue }
            if n <= 0 { return false }
            offset += n
        }
        return true
    }
}
