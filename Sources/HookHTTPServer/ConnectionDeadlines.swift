import Foundation
import Glibc
import Synchronization

/// Absolute deadlines per connection: a request's headers must be complete within `header` of the
/// connection's start (or of the previous response, plus the idle timeout, on a kept-alive connection),
/// and its body within `body` of its headers. libmicrohttpd's own timeout restarts with every byte, so
/// a client dripping one byte every few seconds would otherwise hold its connection forever (slowloris).
///
/// A connection past its deadline has its socket shut down (`shutdown(SHUT_RDWR)`), from a thread of
/// its own that checks every `tick`; libmicrohttpd then sees the end of the stream and closes the
/// connection itself. The socket is never closed here, and entries are removed in libmicrohttpd's
/// "closed" notification under the same lock as the shutdown, which comes before libmicrohttpd closes
/// the descriptor: a descriptor number reused by a later connection is never touched.
final class ConnectionDeadlines: Sendable {
    private struct Entry {
        let fd: Int32
        /// The socket's identity (device, inode) when the connection started: before a shutdown the
        /// descriptor must still name that socket. A second guard beside the "closed" ordering, which a
        /// full test run once seemed to break (libmicrohttpd aborted on a listen socket shut down under it).
        let identity: SocketIdentity?
        /// nil while the request's answer is being produced (no deadline then).
        var deadline: ContinuousClock.Instant?
    }

    let header: Duration
    let body: Duration
    /// Added to `header` for the next request on a kept-alive connection (it may idle that long first).
    let idle: Duration
    private let entries = Mutex<[UInt: Entry]>([:])
    private let stopped = Atomic<Bool>(false)
    private let wake = DispatchSemaphore(value: 0)
    private let finished = DispatchSemaphore(value: 0)
    /// Connections cut off by a deadline so far (tests, diagnostics).
    let expired = Atomic<Int>(0)

    init(header: Duration, body: Duration, idle: Duration) {
        self.header = header
        self.body = body
        self.idle = idle
        let tick = min(max(min(header, body) / 4, .milliseconds(50)), .seconds(1))
        let thread = Thread { [self] in self.sweep(every: tick) }
        thread.name = "activityhook-deadlines"
        thread.start()
    }

    private static func key(_ connection: OpaquePointer) -> UInt { UInt(bitPattern: Int(bitPattern: connection)) }

    /// A new connection: its first request's headers are due within `header`.
    func started(_ connection: OpaquePointer, fd: Int32) {
        guard fd >= 0 else { return }
        let due = ContinuousClock.now + self.header
        let identity = SocketIdentity(fd)
        self.entries.withLock { $0[Self.key(connection)] = Entry(fd: fd, identity: identity, deadline: due) }
    }

    /// The connection is gone (libmicrohttpd is about to close its descriptor).
    func closed(_ connection: OpaquePointer) {
        _ = self.entries.withLock { $0.removeValue(forKey: Self.key(connection)) }
    }

    /// The headers are complete: the body is due within `body`.
    func headersComplete(_ connection: OpaquePointer) { self.set(connection, ContinuousClock.now + self.body) }

    /// The request is complete: no deadline while its answer is produced.
    func requestComplete(_ connection: OpaquePointer) { self.set(connection, nil) }

    /// The answer went out: the next request's headers (kept-alive connection) are due later.
    func answered(_ connection: OpaquePointer) { self.set(connection, ContinuousClock.now + self.idle + self.header) }

    private func set(_ connection: OpaquePointer, _ deadline: ContinuousClock.Instant?) {
        self.entries.withLock { entries in
            let key = Self.key(connection)
            if entries[key] != nil { entries[key]?.deadline = deadline }
        }
    }

    private func sweep(every tick: Duration) {
        let nanos = Int(tick.components.seconds) * 1_000_000_000 + Int(tick.components.attoseconds / 1_000_000_000)
        while !self.stopped.load(ordering: .acquiring) {
            _ = self.wake.wait(timeout: .now() + .nanoseconds(nanos))
            let now = ContinuousClock.now
            let cut = self.entries.withLock { entries -> Int in
                var cut = 0
                for (key, entry) in entries {
                    guard let deadline = entry.deadline, deadline <= now else { continue }
                    if let identity = entry.identity, SocketIdentity(entry.fd) == identity {
                        Glibc.shutdown(entry.fd, Int32(SHUT_RDWR))
                    }
                    entries[key]?.deadline = nil  // once; libmicrohttpd's "closed" removes the entry
                    cut += 1
                }
                return cut
            }
            if cut > 0 { self.expired.add(cut, ordering: .relaxed) }
        }
        self.finished.signal()
    }

    /// Stops the sweeping thread and waits for it (the daemon is stopping).
    func stop() {
        guard !self.stopped.exchange(true, ordering: .acquiringAndReleasing) else { return }
        self.wake.signal()
        self.finished.wait()
    }
}

/// A socket's device and inode, read with `fstat`: equal only for the same open socket.
struct SocketIdentity: Equatable, Sendable {
    let device: UInt64
    let inode: UInt64

    init?(_ fd: Int32) {
        var info = stat()
        guard fstat(fd, &info) == 0, (info.st_mode & S_IFMT) == S_IFSOCK else { return nil }
        self.device = UInt64(info.st_dev)
        self.inode = UInt64(info.st_ino)
    }
}
