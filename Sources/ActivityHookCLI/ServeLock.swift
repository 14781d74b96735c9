import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// The exclusive lock one `serve` holds on its ledger (`<state.path>.lock`, `flock`).
///
/// Two reasons: two `serve` processes on one ledger would lease the same queue with no notion of each
/// other; and holding the lock proves no other worker is alive, so leases left in the ledger belong to a
/// crashed predecessor and can be released at once instead of waiting out their duration. The kernel drops
/// a `flock` when its process dies, SIGKILL included, so a crash never leaves a stale lock. `backfill`,
/// `replay` and `status` do not take it: they never lease (`backfill` only asks whether it is held).
final class ServeLock {
    let path: String
    private let descriptor: Int32

    /// Takes the lock, or throws naming the file when another `serve` holds it.
    init(statePath: String) throws {
        self.path = statePath + ".lock"
        let fd = open(self.path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw ServeLockError(description: "cannot open the serve lock \(self.path): \(String(cString: strerror(errno)))")
        }
        guard flock(fd, LOCK_EX | LOCK_NB) == 0 else {
            let reason = errno == EWOULDBLOCK
                ? "another activityhook serve is running on this ledger" : String(cString: strerror(errno))
            close(fd)
            throw ServeLockError(description: "cannot lock \(self.path): \(reason)")
        }
        self.descriptor = fd
    }

    /// Whether a `serve` holds the lock of the ledger at `statePath` right now (a shared, non-blocking try).
    static func isHeld(statePath: String) -> Bool {
        let fd = open(statePath + ".lock", O_RDONLY | O_CLOEXEC)
        guard fd >= 0 else { return false }  // no lock file: no serve ever ran here
        defer { close(fd) }
        guard flock(fd, LOCK_SH | LOCK_NB) == 0 else { return errno == EWOULDBLOCK }
        _ = flock(fd, LOCK_UN)
        return false
    }

    deinit {
        // Closing the descriptor releases the lock.
        close(self.descriptor)
    }
}

/// The serve lock could not be taken.
struct ServeLockError: Error, CustomStringConvertible {
    let description: String
}
