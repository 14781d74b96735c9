import Synchronization

/// Per-request state stored in libmicrohttpd's `*req_cls` slot from the first access-handler call
/// until `MHD_OPTION.NOTIFY_COMPLETED`.
///
/// Lifetime: retained with `Unmanaged.passRetained` when created, released exactly once in the
/// completion callback (the live count in `ServerCore` returning to zero proves the pairing).
// Invariant for @unchecked Sendable: `phase`, `head`, `body` and `maxBody` are touched only from the
// access-handler callback, and libmicrohttpd runs one connection on one thread at a time. The only
// field touched from other threads is `pending`, which is a Mutex; `connection` is an immutable
// pointer passed only to `MHD_resume_connection`, which is thread-safe.
final class RequestContext: @unchecked Sendable {
    enum Phase {
        /// Receiving body bytes.
        case readingBody
        /// A response was queued before the body was read (413, 403, 404, …).
        case answered
        /// A chunked body crossed the cap. libmicrohttpd 0.9.75 cannot queue a response while body
        /// bytes are pending (it closes the connection instead), so up to `allowance` more bytes are
        /// discarded and 413 is answered when the body ends; a body longer than that is cut off.
        case discarding(allowance: Int)
        /// Suspended while an async handler runs; `pending` receives the response.
        case awaitingAsync
    }

    var phase: Phase = .readingBody
    var head: HTTPRequestHead
    var body: [UInt8] = []
    var maxBody: Int = 0
    let connection: OpaquePointer
    /// The async handler's response, set from the handler's task.
    private let pending = Mutex<HTTPResponse?>(nil)
    /// Set by the first `setResponse`; a deferred responder may be called twice (a bug, or a race
    /// with shutdown), and a connection must be resumed only once.
    private let answered = Atomic<Bool>(false)

    init(head: HTTPRequestHead, connection: OpaquePointer) {
        self.head = head
        self.connection = connection
    }

    /// Stores the response unless one was already stored; true when this call stored it (then the caller
    /// resumes the connection, exactly once).
    @discardableResult
    func setResponse(_ response: HTTPResponse) -> Bool {
        self.pending.withLock { slot in
            guard !self.answered.exchange(true, ordering: .acquiringAndReleasing) else { return false }
            slot = response
            return true
        }
    }

    /// Takes the async response once the connection has been resumed.
    func takeResponse() -> HTTPResponse? {
        self.pending.withLock { slot in
            defer { slot = nil }
            return slot
        }
    }
}
