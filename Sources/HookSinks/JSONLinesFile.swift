#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The open JSON-lines file of one file sink, with size-based rotation. Blocking calls only: every
/// method runs on the owning ``FileTransport``'s serial queue, never on the cooperative pool.
///
/// A batch is always written whole to one file (a file may exceed `rotateBytes` by one batch), and a
/// failed write or fsync truncates the file back to its size before the batch, so a retried batch
/// neither duplicates nor half-writes a line.
// @unchecked Sendable: the mutable descriptor and size are only read and written from blocks on the owning
// transport's serial DispatchQueue, which orders every access; the class is never used from anywhere else.
final class JSONLinesFile: @unchecked Sendable {
    let path: String
    let rotateBytes: Int?
    private var fd: Int32 = -1
    private var size = 0

    init(path: String, rotateBytes: Int?) {
        self.path = path
        self.rotateBytes = rotateBytes
    }

    deinit { self.close() }

    /// Appends `lines` (whole lines) and fsyncs them before returning.
    func append(_ lines: [UInt8]) throws(TransportError) {
        guard !lines.isEmpty else { return }
        try self.openIfNeeded()
        if let rotateBytes = self.rotateBytes, self.size > 0, self.size + lines.count > rotateBytes {
            try self.rotate()
        }
        let before = self.size
        do {
            try FileIO.writeAll(self.fd, lines, self.path)
            try FileIO.check(fsync(self.fd), "fsync", self.path)
        } catch {
            try self.truncate(to: before, after: error)
            throw error
        }
        self.size += lines.count
    }

    /// Closes the file (its data was fsynced by the last append).
    func close() {
        guard self.fd >= 0 else { return }
        FileIO.closeQuietly(self.fd)
        self.fd = -1
    }

    private func openIfNeeded() throws(TransportError) {
        guard self.fd < 0 else { return }
        let existed = FileIO.exists(self.path)
        let fd = try FileIO.openForAppend(self.path)
        do {
            self.size = try FileIO.size(fd, self.path)
            if !existed { try FileIO.syncDirectory(of: self.path) }
        } catch {
            FileIO.closeQuietly(fd)
            throw error
        }
        self.fd = fd
    }

    /// Renames the current file to `<path>.<UTC yyyyMMddTHHmmssZ>[.n]` and starts a new, empty one.
    private func rotate() throws(TransportError) {
        let stamp = Self.utcStamp()
        var target = "\(self.path).\(stamp)"
        var suffix = 1
        while FileIO.exists(target) {
            target = "\(self.path).\(stamp).\(suffix)"
            suffix += 1
        }
        try FileIO.check(rename(self.path, target), "rename", "\(self.path) to \(target)")
        self.close()
        try FileIO.syncDirectory(of: self.path)
        try self.openIfNeeded()
    }

    /// Undoes a partly written batch. If even that fails, the descriptor is dropped and the message says
    /// the file may end in a partial line, because that is then the truth.
    private func truncate(to size: Int, after error: TransportError) throws(TransportError) {
        guard ftruncate(self.fd, off_t(size)) == -1 else { return }
        let code = errno
        self.close()
        let undo = FileIO.error(code, "truncate after a failed write", self.path)
        throw .permanent("\(error.message); \(undo.message): the file may end in a partial line")
    }

    /// The current UTC time as `20261129T081500Z`.
    static func utcStamp() -> String {
        var now = time(nil)
        var parts = tm()
        guard gmtime_r(&now, &parts) != nil else { return String(now) }
        func two(_ value: Int32) -> String { value < 10 ? "0\(value)" : "\(value)" }
        return "\(parts.tm_year + 1900)\(two(parts.tm_mon + 1))\(two(parts.tm_mday))T"
            + "\(two(parts.tm_hour))\(two(parts.tm_min))\(two(parts.tm_sec))Z"
    }
}
