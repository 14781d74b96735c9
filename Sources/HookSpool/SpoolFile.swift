import Foundation

/// An open segment file. The descriptor is closed in `deinit`; every call names the path in its error.
///
/// Used only on the spool's own queues (blocking calls never run on the cooperative pool).
final class SpoolFile {
    let path: String
    let fd: Int32

    /// Opens an existing segment for reading, or for reading and appending.
    init(path: String, writable: Bool) throws(SpoolError) {
        let fd = Glibc.open(path, (writable ? O_RDWR : O_RDONLY) | O_CLOEXEC)
        guard fd >= 0 else { throw SpoolError.posix("open", path) }
        self.path = path
        self.fd = fd
    }

    /// Creates a new segment with mode 0600 (audit records are sensitive), never replacing one.
    init(creating path: String) throws(SpoolError) {
        let fd = Glibc.open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        guard fd >= 0 else { throw SpoolError.posix("create", path) }
        self.path = path
        self.fd = fd
    }

    deinit { Glibc.close(self.fd) }

    var size: Int {
        get throws(SpoolError) {
            var info = stat()
            guard fstat(self.fd, &info) == 0 else { throw SpoolError.posix("stat", self.path) }
            return Int(info.st_size)
        }
    }

    /// Writes all of `bytes` at `offset` (pwrite may write less than asked).
    func write(_ bytes: [UInt8], at offset: Int) throws(SpoolError) {
        var done = 0
        while done < bytes.count {
            let n = bytes.withUnsafeBytes { pwrite(self.fd, $0.baseAddress! + done, $0.count - done, off_t(offset + done)) }
            if n < 0 {
                if errno == EINTR { continue }
                throw SpoolError.posix("write", self.path)
            }
            done += n
        }
    }

    /// Reads up to `count` bytes at `offset` into `buffer` (resized to what was read; short only at EOF).
    func read(into buffer: inout [UInt8], count: Int, at offset: Int) throws(SpoolError) {
        buffer.removeAll(keepingCapacity: true)
        buffer.append(contentsOf: repeatElement(0, count: count))
        var got = 0
        var failure: Int32 = 0
        while got < count {
            let n = buffer.withUnsafeMutableBytes { pread(self.fd, $0.baseAddress! + got, count - got, off_t(offset + got)) }
            if n < 0 {
                if errno == EINTR { continue }
                failure = errno
                break
            }
            if n == 0 { break }
            got += n
        }
        buffer.removeLast(count - got)
        if failure != 0 { throw SpoolError.posix("read", self.path, failure) }
    }

    /// fdatasync: the data and the size are on disk when it returns.
    func sync() throws(SpoolError) {
        guard fdatasync(self.fd) == 0 else { throw SpoolError.posix("fdatasync", self.path) }
    }

    func truncate(to length: Int) throws(SpoolError) {
        guard ftruncate(self.fd, off_t(length)) == 0 else { throw SpoolError.posix("truncate", self.path) }
    }

    /// fsyncs `directory`, so a created or deleted segment's name survives a crash.
    static func syncDirectory(_ directory: String) throws(SpoolError) {
        let fd = Glibc.open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw SpoolError.posix("open directory", directory) }
        defer { Glibc.close(fd) }
        guard fsync(fd) == 0 else { throw SpoolError.posix("fsync directory", directory) }
    }
}
