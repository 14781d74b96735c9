internal import CHookShim
internal import CMicroHTTPD
import Synchronization

/// The object libmicrohttpd calls back into: it turns MHD's access-handler calls into
/// `HTTPRequestHead`/`HTTPRequest` values and the handler's answers into queued responses.
///
/// Retained (`passRetained`) for as long as the daemon runs and released after `MHD_stop_daemon`,
/// because MHD keeps the raw pointer; an unretained pointer was seen to crash in release builds.
// Invariant for @unchecked Sendable: all stored properties are immutable after init except the
// atomics and the Mutex-guarded waiter; the AsyncStream continuation is itself thread-safe.
final class ServerCore: @unchecked Sendable {

    let handler: any HTTPHandler
    let requireClientCertificate: Bool
    /// The name a client certificate must carry, if any (server.tls.clientName).
    let clientName: String?
    let isTLS: Bool
    /// Absolute header and body deadlines per connection; nil when neither is configured.
    let deadlines: ConnectionDeadlines?
    // Counters are atomics, not a lock: every request touches them twice on MHD's hot path.
    private let inFlightCount = Atomic<Int>(0)
    private let draining = Atomic<Bool>(false)
    private let drainedWaiter = Mutex<CheckedContinuation<Void, Never>?>(nil)
    /// Requests whose connection is suspended while their answer is produced elsewhere.
    private let suspended = Mutex<[ObjectIdentifier: RequestContext]>([:])
    let jobs: AsyncStream<AsyncJob>
    private let jobsContinuation: AsyncStream<AsyncJob>.Continuation

    /// An async handler's work and the suspended request it answers.
    struct AsyncJob: Sendable {
        let context: RequestContext
        let work: @Sendable () async -> HTTPResponse
    }

    /// How many bytes past the cap of a chunked body are read (and dropped) to be able to answer 413.
    static let discardAllowance = 1 << 20

    init(handler: any HTTPHandler, isTLS: Bool, requireClientCertificate: Bool, clientName: String? = nil,
         deadlines: ConnectionDeadlines? = nil) {
        self.clientName = clientName
        self.handler = handler
        self.deadlines = deadlines
        self.isTLS = isTLS
        self.requireClientCertificate = requireClientCertificate
        // Unbounded is safe here: each job holds a suspended connection, so the connection limit bounds it.
        (self.jobs, self.jobsContinuation) = AsyncStream.makeStream(of: AsyncJob.self)
    }

    // MARK: - Access handler

    /// One call of MHD's access handler. See libmicrohttpd's contract: the first call per request has
    /// `*reqCls == NULL`; body chunks follow with `*uploadSize > 0`; a last call has `*uploadSize == 0`.
    func access(
        _ connection: OpaquePointer, url: String, method: String,
        upload: UnsafePointer<CChar>?, uploadSize: UnsafeMutablePointer<Int>,
        reqCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        guard let raw = reqCls.pointee else {
            return self.begin(connection, url: url, method: method, reqCls: reqCls)
        }
        let context = Unmanaged<RequestContext>.fromOpaque(raw).takeUnretainedValue()
        switch context.phase {
        case .answered:
            uploadSize.pointee = 0  // discard what still arrives after an early answer
            return MHD_Result.YES
        case .discarding(let allowance):
            let size = uploadSize.pointee
            guard size > 0 else {
                context.phase = .answered
                return self.queue(.text(413, "request body exceeds \(context.maxBody) bytes\n"), context)
            }
            guard size <= allowance else { return MHD_Result.NO }  // too much: close the connection
            context.phase = .discarding(allowance: allowance - size)
            uploadSize.pointee = 0
            return MHD_Result.YES
        case .awaitingAsync:
            // Called again after MHD_resume_connection: the response is ready.
            let response = context.takeResponse() ?? .text(500, "handler produced no response\n")
            return self.queue(response, context)
        case .readingBody:
            let size = uploadSize.pointee
            if size > 0 {
                if context.body.count + size > context.maxBody {
                    context.body = []
                    context.phase = .discarding(allowance: Self.discardAllowance)
                    uploadSize.pointee = 0
                    return MHD_Result.YES
                }
                if let upload {
                    upload.withMemoryRebound(to: UInt8.self, capacity: size) {
                        context.body.append(contentsOf: UnsafeBufferPointer(start: $0, count: size))
                    }
                }
                uploadSize.pointee = 0
                return MHD_Result.YES
            }
            return self.complete(context)
        }
    }

    private func begin(
        _ connection: OpaquePointer, url: String, method: String,
        reqCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>
    ) -> MHD_Result {
        var head = HTTPRequestHead(method: method, path: url, isTLS: self.isTLS)
        head.headers = MHDValues.headers(connection)
        head.query = MHDValues.query(connection)
        head.peer = PeerAddress.of(connection)
        if self.requireClientCertificate {
            head.clientCertificateVerified = ClientCertificateCheck.verified(connection, name: self.clientName)
        }
        let context = RequestContext(head: head, connection: connection)
        self.deadlines?.headersComplete(connection)
        reqCls.pointee = Unmanaged.passRetained(context).toOpaque()
        self.inFlightCount.add(1, ordering: .relaxed)

        if self.requireClientCertificate && !head.clientCertificateVerified {
            context.phase = .answered
            let message = self.clientName.map { "a client certificate for \($0) signed by the configured CA is required\n" }
                ?? "a client certificate signed by the configured CA is required\n"
            return self.queue(.text(403, message), context)
        }
        switch self.handler.head(head) {
        case .respond(let response):
            context.phase = .answered
            return self.queue(response, context)
        case .readBody(let limit):
            context.maxBody = limit
            if let declared = head.contentLength, declared > limit {
                // Refuse before reading a byte: MHD then closes the connection instead of draining it.
                context.phase = .answered
                return self.queue(.text(413, "request body exceeds \(limit) bytes\n"), context)
            }
            if let declared = head.contentLength, declared > 0 {
                context.body.reserveCapacity(declared)
            }
            return MHD_Result.YES
        }
    }

    private func complete(_ context: RequestContext) -> MHD_Result {
        self.deadlines?.requestComplete(context.connection)
        let request = HTTPRequest(head: context.head, body: context.body)
        context.body = []
        switch self.handler.handle(request) {
        case .response(let response):
            context.phase = .answered
            return self.queue(response, context)
        case .async(let work):
            self.suspend(context)
            if case .terminated = self.jobsContinuation.yield(AsyncJob(context: context, work: work)) {
                self.finishDeferred(context, .text(503, "server is shutting down\n"))
            }
            return MHD_Result.YES
        case .abort:
            context.phase = .answered
            return MHD_Result.NO  // libmicrohttpd closes the socket without a response
        case .deferred(let start):
            self.suspend(context)
            start(HTTPResponder { [self] response in self.finishDeferred(context, response) })
            return MHD_Result.YES
        }
    }

    private func queue(_ response: HTTPResponse, _ context: RequestContext) -> MHD_Result {
        let draining = self.draining.load(ordering: .relaxed)
        return queueMHDResponse(response, on: context.connection, closeConnection: draining) ? MHD_Result.YES : MHD_Result.NO
    }

    /// Suspends a connection whose answer comes later. Suspension happens before the work is handed
    /// over, so the work can never resume a connection that is not yet suspended.
    private func suspend(_ context: RequestContext) {
        context.phase = .awaitingAsync
        MHD_suspend_connection(context.connection)
        self.suspended.withLock { $0[ObjectIdentifier(context)] = context }
    }

    /// Hands a response to its suspended connection and wakes it; only the first call per request counts.
    func finishDeferred(_ context: RequestContext, _ response: HTTPResponse) {
        guard context.setResponse(response) else { return }
        self.suspended.withLock { $0[ObjectIdentifier(context)] = nil }
        MHD_resume_connection(context.connection)
    }

    /// Answers every still-suspended request with 503 (the grace period is over); libmicrohttpd must not
    /// be stopped while a connection is suspended.
    func abandonSuspended() {
        let contexts = self.suspended.withLock { Array($0.values) }
        for context in contexts { self.finishDeferred(context, .text(503, "server is shutting down\n")) }
    }

    // MARK: - Completion and draining

    /// `MHD_OPTION.NOTIFY_COMPLETED`: releases the context retained in `begin`.
    func completed(_ reqCls: UnsafeMutablePointer<UnsafeMutableRawPointer?>?) {
        guard let reqCls, let raw = reqCls.pointee else { return }
        let context = Unmanaged<RequestContext>.fromOpaque(raw)
        self.deadlines?.answered(context.takeUnretainedValue().connection)
        context.release()
        reqCls.pointee = nil
        let remaining = self.inFlightCount.subtract(1, ordering: .acquiringAndReleasing).newValue
        if remaining == 0 && self.draining.load(ordering: .acquiring) { self.resumeDrainedWaiter() }
    }

    /// Marks the server as draining; returns false if it already was.
    func beginDraining() -> Bool {
        !self.draining.exchange(true, ordering: .acquiringAndReleasing)
    }

    /// Returns when no request is in flight (call after `beginDraining`). Both this and `completed`
    /// take the waiter under the lock, so exactly one of them resumes it.
    func waitUntilIdle() async {
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
            self.drainedWaiter.withLock { $0 = continuation }
            if self.inFlightCount.load(ordering: .acquiring) == 0 { self.resumeDrainedWaiter() }
        }
    }

    /// Wakes a `waitUntilIdle` caller early (grace period over).
    func abandonWaiting() { self.resumeDrainedWaiter() }

    private func resumeDrainedWaiter() {
        let waiter = self.drainedWaiter.withLock { slot in
            defer { slot = nil }
            return slot
        }
        waiter?.resume()
    }

    func finishJobs() { self.jobsContinuation.finish() }
    var inFlight: Int { self.inFlightCount.load(ordering: .relaxed) }
}
