internal import CCurl
internal import CHookShim

/// Idle curl easy handles, reused across transfers (`curl_easy_reset` between uses) so a busy client
/// does not allocate and free a handle and its buffers for every request.
///
/// Confined to the client's curl thread, so not Sendable.
final class EasyHandlePool {
    private var idle: [UnsafeMutableRawPointer] = []
    private let capacity: Int
    /// TLS session ids shared by every handle of this pool (docs/tls-performance.md):
    /// a new connection resumes a session that another handle negotiated. nil if libcurl refused it.
    let share: UnsafeMutableRawPointer?

    init(capacity: Int) {
        self.capacity = max(1, capacity)
        self.share = ahk_curl_share_sessions()
    }

    /// A ready handle: an idle one (`reused`), or a new one (nil only if libcurl cannot allocate).
    func take() -> (handle: UnsafeMutableRawPointer, reused: Bool)? {
        if let handle = self.idle.popLast() { return (handle, true) }
        return curl_easy_init().map { ($0, false) }
    }

    /// A new handle, never an idle one: for a transfer whose reused handle libcurl refused to configure.
    ///
    /// `curl_easy_reset` does not free a handle's receive buffer when its HTTP/2 stream ended while other
    /// streams still used the connection (libcurl 7.88 `multi_done` returns early then), and libcurl
    /// refuses CURLOPT_BUFFERSIZE on a handle that has one. tests: DeadConnectionTests.
    func fresh() -> UnsafeMutableRawPointer? { curl_easy_init() }

    /// Frees a handle outright.
    func discard(_ handle: UnsafeMutableRawPointer) { curl_easy_cleanup(handle) }

    /// Returns a handle that is no longer in the multi handle; it is reset (every option cleared) or,
    /// beyond `capacity` idle handles or when not `reusable` (its transfer was removed mid-way), freed.
    func give(_ handle: UnsafeMutableRawPointer, reusable: Bool) {
        guard reusable, self.idle.count < self.capacity else {
            curl_easy_cleanup(handle)
            return
        }
        curl_easy_reset(handle)
        self.idle.append(handle)
    }

    /// Every handle is freed before the share they point at (curl_share_cleanup refuses a share in use).
    deinit {
        self.idle.forEach { curl_easy_cleanup($0) }
        if let share = self.share { curl_share_cleanup(share) }
    }
}

@available(*, unavailable)
extension EasyHandlePool: Sendable {}
