#if canImport(Glibc)
internal import Glibc
#elseif canImport(Darwin)
internal import Darwin
#endif

/// Creates the database file before SQLite opens it, so that it is private to the service's user.
///
/// SQLite would create a missing file with the process umask (typically 0644). Creating it ourselves with
/// `O_CREAT | O_EXCL` and mode 0600 fixes that, and the `-wal` and `-shm` files follow: SQLite's unix VFS
/// creates them "with the same permissions as the database file" (`findCreateFileMode` in os_unix.c).
/// An existing file keeps its mode: an operator may have chosen it on purpose.
enum SQLiteFile {
    /// Ensures `path` exists, creating it empty with mode 0600 (and syncing its directory) when it does not.
    ///
    /// - Throws: `SQLiteError` with code `cantOpen` when the parent directory is missing or the file cannot be
    ///   created.
    static func createIfMissing(path: String) throws(SQLiteError) {
        let directory = Self.parentDirectory(of: path)
        var info = stat()
        guard stat(directory, &info) == 0 else {
            throw Self.error("cannot use database \(path): parent directory \(directory)", errno: errno)
        }
        guard info.st_mode & S_IFMT == S_IFDIR else {
            throw SQLiteError(code: .cantOpen, message: "cannot use database \(path): \(directory) is not a directory")
        }
        let fd = open(path, O_RDWR | O_CREAT | O_EXCL | O_CLOEXEC, 0o600)
        if fd < 0 {
            // EEXIST is the normal case: the database is already there (or another process just created it).
            if errno == EEXIST { return }
            throw Self.error("cannot create database file \(path)", errno: errno)
        }
        // The umask can only clear bits, but a umask that clears owner bits would leave a file we cannot use.
        let chmodFailed = fchmod(fd, 0o600) != 0 ? errno : 0
        let closeFailed = close(fd) != 0 ? errno : 0
        if chmodFailed != 0 { throw Self.error("cannot set mode 0600 on \(path)", errno: chmodFailed) }
        if closeFailed != 0 { throw Self.error("cannot close new database file \(path)", errno: closeFailed) }
        // A new directory entry is only durable once the directory is synced (fsync(2)); without this a power
        // loss right after the first commits could lose the whole file.
        try Self.syncDirectory(directory)
    }

    /// The directory part of `path` ("." for a bare file name, "/" for a file in the root).
    static func parentDirectory(of path: String) -> String {
        guard let slash = path.lastIndex(of: "/") else { return "." }
        let parent = String(path[..<slash])
        return parent.isEmpty ? "/" : parent
    }

    private static func syncDirectory(_ directory: String) throws(SQLiteError) {
        let fd = open(directory, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard fd >= 0 else { throw Self.error("cannot open directory \(directory) to sync it", errno: errno) }
        var syncFailed: Int32 = 0
        while fsync(fd) != 0 {
            if errno == EINTR { continue }
            syncFailed = errno
            break
        }
        let closeFailed = close(fd) != 0 ? errno : 0
        if syncFailed != 0 { throw Self.error("cannot sync directory \(directory)", errno: syncFailed) }
        if closeFailed != 0 { throw Self.error("cannot close directory \(directory)", errno: closeFailed) }
    }

    private static func error(_ what: String, errno code: Int32) -> SQLiteError {
        SQLiteError(code: .cantOpen, message: "\(what): \(String(cString: strerror(code)))")
    }
}
