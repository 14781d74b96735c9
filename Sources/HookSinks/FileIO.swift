#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// The one place where failed POSIX file calls of the file and stdout sinks become ``TransportError``s.
///
/// A full disk or quota, an I/O error or an interrupted call may clear up by itself: retryable. No
/// permission, a read-only file system, a missing directory or a path that is a directory need an
/// operator: permanent. Messages name the operation and the path.
enum FileIO {
    /// Throws when `rc` is -1, with `errno` classified.
    static func check(_ rc: Int32, _ operation: String, _ path: String) throws(TransportError) {
        guard rc == -1 else { return }
        throw Self.error(errno, operation, path)
    }

    /// The transport error for `code` (an `errno` value).
    static func error(_ code: Int32, _ operation: String, _ path: String) -> TransportError {
        let message = "cannot \(operation) \(path): \(String(cString: strerror(code))) (errno \(code))"
        switch code {
        case EACCES, EPERM, EROFS, ENOENT, ENOTDIR, EISDIR, ENAMETOOLONG, ELOOP, EBADF, EINVAL, EFBIG, EPIPE:
            return .permanent(message)
        default:  // ENOSPC, EDQUOT, EIO, EAGAIN, EMFILE, ENFILE, …
            return .retryable(message, retryAfter: nil)
        }
    }

    /// Writes all of `bytes`, continuing after short writes and `EINTR` (write(2) may write less than asked).
    static func writeAll(_ fd: Int32, _ bytes: [UInt8], _ path: String) throws(TransportError) {
        var offset = 0
        while offset < bytes.count {
            let written = bytes.withUnsafeBytes { buffer in
                write(fd, buffer.baseAddress! + offset, buffer.count - offset)
            }
            if written < 0 {
                if errno == EINTR { continue }
                throw Self.error(errno, "write", path)
            }
            offset += written
        }
    }

    /// Opens `path` for appending, creating it with mode 0600 (records are sensitive audit data).
    static func openForAppend(_ path: String) throws(TransportError) -> Int32 {
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0o600)
        try Self.check(fd, "open", path)
        return fd
    }

    /// fsyncs the directory holding `path`, so that a create or rename in it survives a crash
    /// (fsync(2): "calling fsync() on the file does not necessarily ensure that the entry in the directory
    /// containing the file has also reached disk").
    static func syncDirectory(of path: String) throws(TransportError) {
        let directory = Self.directory(of: path)
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        try Self.check(fd, "open directory", directory)
        defer { Self.closeQuietly(fd) }
        try Self.check(fsync(fd), "fsync directory", directory)
    }

    /// The size of the open file.
    static func size(_ fd: Int32, _ path: String) throws(TransportError) -> Int {
        var info = stat()
        try Self.check(fstat(fd, &info), "stat", path)
        return Int(info.st_size)
    }

    /// Whether anything exists at `path`.
    static func exists(_ path: String) -> Bool {
        var info = stat()
        return lstat(path, &info) == 0
    }

    /// Closes a descriptor whose data was already fsynced (or that was only read): close(2)'s error then
    /// reports nothing about lost data, and the descriptor is released either way on Linux.
    static func closeQuietly(_ fd: Int32) {
        _ = close(fd)
    }

    static func directory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        return slash == path.startIndex ? "/" : String(path[..<slash])
    }
}
