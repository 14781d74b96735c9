internal import CCurl

/// Idle curl easy handles, reused across transfers (`curl_easy_reset` between uses) so a busy client
/// does not allocate and free a handle and its buffers for every request.
///
/// Confined to the client's curl thread, so not Sendable.
final class EasyHandlePool {
    private var idle: [UnsafeMutableRawPointer] = []
    private let capacity: Int

    init(capacity: Int) { self.capacity = max(1, capacity) }

    /// A ready handle: an idle one, or a new one (nil only if libcurl cannot allocate).
    func take() -> UnsafeMutableRawPointer? {
        if let handle = self.idle.popLast() { return handle }
        return curl_easy_init()
    }

    /// Returns a handle that is no longer in the multi handle; it is reset (every option cleared) or,
    /// beyond `capacity` idle handles, freed.
    func give(_ handle: UnsafeMutableRawPointer) {
        guard self.idle.count < self.capacity else {
            curl_easy_cleanup(handle)
            return
        }
        curl_easy_reset(handle)
        self.idle.append(handle)
    }

    deinit { self.idle.forEach { curl_easy_cleanup($0) } }
}

@available(*, unavailable)
extension EasyHandlePool: Sendable {}
