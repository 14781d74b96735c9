import Foundation

// No CCurl import here: with `internal import CCurl` in this file too, a release (whole-module) build of
// Swift 6.x stopped finding the CURLE_* constants in HTTPClientError.swift.

/// Finds the socket of a finished transfer's connection by its ports, so a stalled transfer can condemn it
/// (docs/stalled-transfers.md).
///
/// `CURLINFO_ACTIVESOCKET` answers only once libcurl has handed the connection back to its cache. A stream
/// that ends while other streams still use its HTTP/2 connection returns early from libcurl's `multi_done`
/// (libcurl 7.88) without that, so the answer is -1 exactly when it matters. The transfer's local and
/// remote ports (`CURLINFO_LOCAL_PORT`, `CURLINFO_PRIMARY_PORT`) do survive; the one socket of this process
/// whose address pair has those ports is the connection (a TCP address pair names one live connection, so
/// a descriptor reused for another socket cannot match). Runs on the curl thread only, and only after a
/// timeout, so scanning `/proc/self/fd` costs nothing that matters.
enum ConnectionSocket {
    /// The socket whose local port is `local` and whose peer's port is `remote`, or nil.
    static func find(localPort local: Int, remotePort remote: Int) -> Int32? {
        guard local > 0, remote > 0, let directory = opendir("/proc/self/fd") else { return nil }
        defer { closedir(directory) }
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) { String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self) }
            guard let fd = Int32(name), Self.port(fd, getsockname) == local, Self.port(fd, getpeername) == remote
            else { continue }
            return fd
        }
        return nil
    }

    /// The port of a TCP socket's local or peer address (IPv4 or IPv6), or nil.
    private static func port(_ fd: Int32, _ name: (Int32, UnsafeMutablePointer<sockaddr>, UnsafeMutablePointer<socklen_t>) -> Int32) -> Int? {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let ok = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { name(fd, $0, &length) == 0 }
        }
        guard ok else { return nil }
        switch Int32(storage.ss_family) {
        case AF_INET:
            return withUnsafeBytes(of: storage) { Int(UInt16(bigEndian: $0.load(as: sockaddr_in.self).sin_port)) }
        case AF_INET6:
            return withUnsafeBytes(of: storage) { Int(UInt16(bigEndian: $0.load(as: sockaddr_in6.self).sin6_port)) }
        default:
            return nil
        }
    }
}
