import Foundation

/// A TCP listener on 127.0.0.1:0 that never accepts: the kernel completes handshakes into the
/// backlog, so clients connect and then wait forever for an answer (timeout tests).
///
/// With `listening: false` the port is bound but never listened on: connections are refused
/// (RST) for as long as the object lives, and no other test can take the port meanwhile. A port
/// that was bound and then closed is not a safe "refused" port: a parallel test's server on
/// port 0 may be given it.
public final class SilentListener: Sendable {
    private let fd: Int32
    public let port: UInt16

    public init(listening: Bool = true) throws {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw TestSupportError("socket: \(errno)") }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { pointer in
                bind(fd, pointer, length) == 0 && (!listening || listen(fd, 16) == 0) && getsockname(fd, pointer, &length) == 0
            }
        }
        guard bound else {
            close(fd)
            throw TestSupportError("bind/listen: \(errno)")
        }
        self.fd = fd
        self.port = UInt16(bigEndian: address.sin_port)
    }

    deinit { close(self.fd) }
}
