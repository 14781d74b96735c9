import Foundation
import Glibc

/// systemd's notify protocol (sd_notify(3)): one datagram per message to the Unix socket named by
/// `NOTIFY_SOCKET`, a path or, with a leading `@`, an abstract-namespace name. docs/systemd.md.
///
/// Without `NOTIFY_SOCKET` (not started by systemd with `Type=notify`) every call does nothing. A send
/// that fails is not an error of the service: it is reported by `send`'s result and otherwise ignored.
// Invariant for @unchecked Sendable: `address` and `length` are set in init and only read afterwards; each
// send opens its own socket.
public final class SystemdNotifier: @unchecked Sendable {
    private let address: sockaddr_un?
    private let length: socklen_t
    /// The socket's name as given, for logs.
    public let socketName: String?

    public init(environment: [String: String] = ProcessInfo.processInfo.environment) {
        guard let name = environment["NOTIFY_SOCKET"], !name.isEmpty,
              name.hasPrefix("/") || name.hasPrefix("@"),
              name.utf8.count < MemoryLayout.size(ofValue: sockaddr_un().sun_path)
        else {
            self.address = nil
            self.length = 0
            self.socketName = nil
            return
        }
        var address = sockaddr_un()
        address.sun_family = sa_family_t(AF_UNIX)
        var bytes = Array(name.utf8)
        if bytes.first == UInt8(ascii: "@") { bytes[0] = 0 }  // abstract namespace: a leading NUL byte
        withUnsafeMutableBytes(of: &address.sun_path) { path in
            for (index, byte) in bytes.enumerated() { path[index] = byte }
        }
        self.address = address
        // The abstract name's length counts exactly, without a trailing NUL.
        self.length = socklen_t(MemoryLayout<sa_family_t>.size + bytes.count + (bytes.first == 0 ? 0 : 1))
        self.socketName = name
    }

    public var isEnabled: Bool { self.address != nil }

    /// Sends `READY=1` once every listener is bound, with a status line.
    @discardableResult public func ready(status: String) -> Bool { self.send("READY=1\nSTATUS=\(status)") }

    /// Sends `STOPPING=1` when a graceful shutdown starts.
    @discardableResult public func stopping() -> Bool { self.send("STOPPING=1\nSTATUS=shutting down") }

    /// Sends `RELOADING=1` with the monotonic time systemd 253+ asks for, then ends a reload with `READY=1`.
    @discardableResult public func reloading() -> Bool {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        let usec = UInt64(now.tv_sec) &* 1_000_000 &+ UInt64(now.tv_nsec / 1_000)
        return self.send("RELOADING=1\nMONOTONIC_USEC=\(usec)")
    }

    /// Sends `WATCHDOG=1`: the health loop found the service working.
    @discardableResult public func watchdog() -> Bool { self.send("WATCHDOG=1") }

    /// Sends `STATUS=…` alone.
    @discardableResult public func status(_ text: String) -> Bool { self.send("STATUS=\(text)") }

    /// Sends one datagram; true if the kernel took it.
    @discardableResult public func send(_ message: String) -> Bool {
        guard var address = self.address else { return false }
        let fd = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { return false }
        defer { close(fd) }
        let bytes = Array(message.utf8)
        let sent = withUnsafePointer(to: &address) { pointer in
            pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
                bytes.withUnsafeBytes { sendto(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL), socketAddress, self.length) }
            }
        }
        return sent == bytes.count
    }

    /// The watchdog interval systemd expects pings within (`WATCHDOG_USEC`), if it asked for them and
    /// `WATCHDOG_PID` (when set) is this process.
    public static func watchdogInterval(environment: [String: String] = ProcessInfo.processInfo.environment) -> Duration? {
        guard let text = environment["WATCHDOG_USEC"], let usec = UInt64(text), usec > 0 else { return nil }
        if let pid = environment["WATCHDOG_PID"], pid != String(getpid()) { return nil }
        // Saturated: at most a day, however large the number.
        return .microseconds(Int64(min(usec, 86_400_000_000)))
    }
}
