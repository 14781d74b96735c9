import Foundation
import Glibc
import Synchronization

/// A Unix datagram socket standing in for systemd's `NOTIFY_SOCKET` in tests: every datagram received is
/// kept, in order. A reader thread blocks in `recv` (never the cooperative pool); `close()` ends it.
// Invariant for @unchecked Sendable: `fd` is set in init and closed once by `close()`; the received
// messages are behind a Mutex.
public final class NotifySocket: @unchecked Sendable {
    public let path: String
    private let fd: Int32
    private struct State {
        var messages: [String] = []
        var waiters: [(id: UUID, text: String, count: Int, continuation: CheckedContinuation<Bool, Never>)] = []
    }
    private let state = Mutex(State())
    private let done = DispatchSemaphore(value: 0)

    public init(in directory: URL) throws {
        self.path = directory.appendingPathComponent("notify.sock").path
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: errno \(errno)") }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        let bytes = Array(self.path.utf8)
        guard bytes.count < MemoryLayout.size(ofValue: address.sun_path) else { Glibc.close(fd); throw TestSupportError("socket path too long") }
        withUnsafeMutableBytes(of: &address.sun_path) { for (i, b) in bytes.enumerated() { $0[i] = b } }
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_un>.size)) }
        }
        guard bound == 0 else { Glibc.close(fd); throw TestSupportError("bind \(self.path): errno \(errno)") }
        // A receive timeout lets the reader notice close() without a signal.
        var timeout = timeval(tv_sec: 0, tv_usec: 100_000)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        self.fd = fd
        let thread = Thread { [self] in self.read() }
        thread.name = "notify-socket"
        thread.start()
    }

    private let closed = Mutex(false)

    private func read() {
        var buffer = [UInt8](repeating: 0, count: 4096)
        while !self.closed.withLock({ $0 }) {
            let n = buffer.withUnsafeMutableBytes { recv(self.fd, $0.baseAddress, $0.count, 0) }
            if n > 0 {
                let message = String(decoding: buffer[..<n], as: UTF8.self)
                let ready = self.state.withLock { state -> [CheckedContinuation<Bool, Never>] in
                    state.messages.append(message)
                    let met = state.waiters.filter { Self.count($0.text, in: state.messages) >= $0.count }
                    state.waiters.removeAll { waiter in met.contains { $0.id == waiter.id } }
                    return met.map(\.continuation)
                }
                for continuation in ready { continuation.resume(returning: true) }
            }
        }
        self.done.signal()
    }

    /// Every datagram so far.
    public var messages: [String] { self.state.withLock { $0.messages } }

    /// Waits until `count` datagrams hold the line `text` (such as "READY=1"); false if they did not within
    /// `seconds` (a bound for a test that would otherwise hang). Woken by the reader, not by polling.
    public func waitFor(_ text: String, count: Int = 1, within seconds: Double = 60) async -> Bool {
        let id = UUID()
        let met = try? await firstResult(within: seconds) { () -> Bool? in
            await withTaskCancellationHandler {
                await withCheckedContinuation { (continuation: CheckedContinuation<Bool, Never>) in
                    let now = self.state.withLock { state -> Bool in
                        if Self.count(text, in: state.messages) >= count { return true }
                        state.waiters.append((id, text, count, continuation))
                        return false
                    }
                    if now { continuation.resume(returning: true) }
                }
            } onCancel: {
                let waiter = self.state.withLock { state -> CheckedContinuation<Bool, Never>? in
                    guard let index = state.waiters.firstIndex(where: { $0.id == id }) else { return nil }
                    return state.waiters.remove(at: index).continuation
                }
                waiter?.resume(returning: false)
            }
        }
        return met == true
    }

    private static func count(_ text: String, in messages: [String]) -> Int {
        messages.filter { $0.split(separator: "\n").contains(Substring(text)) }.count
    }

    /// How many datagrams hold the line `text`.
    public func count(_ text: String) -> Int { Self.count(text, in: self.messages) }

    public func close() {
        guard !self.closed.withLock({ let was = $0; $0 = true; return was }) else { return }
        self.done.wait()
        Glibc.close(self.fd)
        unlink(self.path)
    }

    deinit { self.close() }
}
