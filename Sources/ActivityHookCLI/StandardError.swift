import Glibc

/// Standard error for log lines and messages, written with `write(2)`, failures ignored.
///
/// `serve` ignores SIGPIPE (a client that goes away must not kill it), so a write to a log reader that
/// has gone away (a closed pipe: `serve | tee` with tee killed, a supervisor restarting its log
/// collector) fails with EPIPE, and Foundation's `FileHandle.write(_:)` traps on that. A log line that
/// cannot be delivered must never stop the service or lose a notification in flight.
enum StandardError {
    static func write(_ text: String) {
        let bytes = Array(text.utf8)
        var offset = 0
        while offset < bytes.count {
            let written = bytes[offset...].withUnsafeBytes { Glibc.write(2, $0.baseAddress, $0.count) }
            if written < 0 && errno == EINTR { continue }
            if written <= 0 { return }
            offset += written
        }
    }
}
