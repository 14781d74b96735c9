import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A TCP port that was free a moment ago, for a child process that must bind it itself (the webhook URL
/// must be in the config before `serve` starts; nginx; a port that must refuse connections).
///
/// The port is drawn at random from below the kernel's ephemeral range and checked by binding it: servers
/// bound to port 0 and outgoing connections only take ports from the ephemeral range, so a parallel
/// test cannot be handed this port between the check and the child's bind (a port 0 lease, released
/// and reused, could). Only another caller of this function drawing the same number could collide.
public func freePort() throws -> UInt16 {
    let low = ephemeralRangeStart()
    if low > 12_000 {
        for _ in 0..<64 {
            let candidate = UInt16.random(in: 10_000..<UInt16(low))
            if (try? bindLoopback(port: candidate)) != nil { return candidate }
        }
    }
    return try bindLoopback(port: 0)
}

/// Binds 127.0.0.1:`port` (0: any), closes the socket, and returns the port that was bound.
private func bindLoopback(port: UInt16) throws -> UInt16 {
    let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard fd >= 0 else { throw TestSupportError("socket failed") }
    defer { close(fd) }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = port.bigEndian
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, length) == 0 && getsockname(fd, $0, &length) == 0 }
    }
    guard bound else { throw TestSupportError("bind failed") }
    return UInt16(bigEndian: address.sin_port)
}

/// The first port of `net.ipv4.ip_local_port_range` (Linux's default is 32768), or 0 if unreadable.
private func ephemeralRangeStart() -> Int {
    guard let text = try? String(contentsOfFile: "/proc/sys/net/ipv4/ip_local_port_range", encoding: .utf8),
          let first = text.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "\n" }).first,
          let value = Int(first), value <= 65_535 else { return 0 }
    return value
}
