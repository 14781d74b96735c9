internal import CCurl
internal import CHookShim
import Foundation
import Synchronization

/// The curl multi handle and the one thread that drives it.
///
/// Every libcurl call for this client happens on that thread; other threads only append commands
/// under a lock and call `curl_multi_wakeup`, which libcurl documents as safe from any thread.
// Invariant for @unchecked Sendable: `multi`, `transfers`, `pending` and `nextID` are touched only on
// the loop thread; `commands` is a Mutex; `multi` is read by `wakeup()` only for curl_multi_wakeup.
final class CurlMultiLoop: @unchecked Sendable {
    enum Command: Sendable {
        case start(CurlTransfer)
        case unpause(Int)
        case cancel(Int)
        case shutdown
    }

    private let multi: UnsafeMutableRawPointer
    private let configuration: HTTPClientConfiguration
    private let caStore: CAStore?
    /// Commands for the loop thread. `sleeping` is true while the loop is (about to be) blocked in
    /// curl_multi_poll; only then does a sender pay for curl_multi_wakeup (a syscall and a thread wake).
    private let commands = Mutex<(queue: [Command], open: Bool, queued: Int, sleeping: Bool)>(([], true, 0, false))
    private var transfers: [Int: CurlTransfer] = [:]
    private var handles: [UnsafeMutableRawPointer: Int] = [:]
    private let pool: EasyHandlePool
    /// Requests waiting for a transfer slot, oldest first; started entries are set to nil at once so a
    /// long queue never keeps finished transfers (and their bodies) alive.
    private var pending: [CurlTransfer?] = []
    private var pendingHead = 0
    private let exited = DispatchSemaphore(value: 0)

    init(configuration: HTTPClientConfiguration) throws {
        _ = curlGlobalInit
        guard let multi = curl_multi_init() else { throw HTTPClientError(.transfer, "curl_multi_init failed") }
        self.multi = multi
        self.configuration = configuration
        self.caStore = try CAStore(extraFile: configuration.extraCAFile)
        self.pool = EasyHandlePool(capacity: configuration.maxConcurrentTransfers)
        // HTTP/2 multiplexing where the server offers it (the default since curl 7.62, stated explicitly).
        _ = ahk_curl_multi_setopt_long(multi, CURLMOPT_PIPELINING, Int(CURLPIPE_MULTIPLEX))
        let thread = Thread { [self] in self.loop() }
        thread.name = "activityhook-curl"
        thread.start()
    }

    /// Queues a command; false when the loop has shut down (or the queue is full for `.start`).
    func send(_ command: Command) -> Bool {
        let (accepted, wake) = self.commands.withLock { state -> (Bool, Bool) in
            guard state.open else { return (false, false) }
            if case .start = command {
                guard state.queued < self.configuration.maxQueuedRequests else { return (false, false) }
                state.queued += 1
            }
            if case .shutdown = command { state.open = false }
            state.queue.append(command)
            return (true, state.sleeping)
        }
        if wake { curl_multi_wakeup(self.multi) }
        return accepted
    }

    /// Stops the loop: queued and running transfers fail with `.shutdown`. Waits for the thread.
    func shutdown() {
        if self.send(.shutdown) { self.exited.wait() }
    }

    // MARK: - The loop thread

    private func loop() {
        var running: Int32 = 0
        while true {
            if !self.drainCommands() { break }
            self.startPending()
            curl_multi_perform(self.multi, &running)
            self.collectFinished()
            // Finished transfers freed slots for queued ones: start them now rather than after a poll.
            let startable = self.pendingHead < self.pending.count
                && self.transfers.count < self.configuration.maxConcurrentTransfers
            if !startable && self.prepareToSleep() {
                curl_multi_poll(self.multi, nil, 0, 1000, nil)
                self.commands.withLock { $0.sleeping = false }
            }
        }
        let error = HTTPClientError(.shutdown, "the HTTP client was shut down")
        for transfer in self.transfers.values { self.finish(transfer, error) }
        for transfer in self.pending[self.pendingHead...] { transfer?.finish(error) }
        curl_multi_cleanup(self.multi)
        self.exited.signal()
    }

    /// Applies queued commands; false on shutdown.
    private func drainCommands() -> Bool {
        let batch = self.commands.withLock { state -> [Command] in
            defer { state.queue.removeAll(keepingCapacity: true) }
            return state.queue
        }
        for command in batch {
            switch command {
            case .start(let transfer): self.pending.append(transfer)
            case .unpause(let id):
                if let easy = self.transfers[id]?.easy { curl_easy_pause(easy, CURLPAUSE_CONT) }
            case .cancel(let id):
                if let transfer = self.transfers[id] {
                    self.finish(transfer, HTTPClientError(.cancelled, "request cancelled (\(transfer.request.url))"))
                } else if let index = self.pending[self.pendingHead...].firstIndex(where: { $0?.id == id }),
                          let transfer = self.pending[index] {
                    self.pending[index] = nil
                    self.dequeued()
                    transfer.finish(HTTPClientError(.cancelled, "request cancelled (\(transfer.request.url))"))
                }
            case .shutdown: return false
            }
        }
        return true
    }

    private func startPending() {
        while self.transfers.count < self.configuration.maxConcurrentTransfers, self.pendingHead < self.pending.count {
            let slot = self.pending[self.pendingHead]
            self.pending[self.pendingHead] = nil
            self.pendingHead += 1
            guard let transfer = slot else { continue }  // cancelled while queued
            self.dequeued()
            if transfer.cancelled?.isSet == true {
                transfer.finish(HTTPClientError(.cancelled, "request cancelled (\(transfer.request.url))"))
                continue
            }
            guard let (easy, reused) = self.pool.take() else {
                transfer.finish(HTTPClientError(.transfer, "curl_easy_init failed"))
                continue
            }
            self.start(transfer, on: easy, reused: reused)
        }
        if self.pendingHead == self.pending.count {
            self.pending.removeAll(keepingCapacity: true)
            self.pendingHead = 0
        }
    }

    /// Configures `transfer` on `easy` and adds it to the multi handle; a reused handle that libcurl refuses
    /// to configure is replaced by a new one (EasyHandlePool.fresh()).
    private func start(_ transfer: CurlTransfer, on easy: UnsafeMutableRawPointer, reused: Bool) {
        transfer.attach(easy)
        do {
            try transfer.configure(self.configuration, caStore: self.caStore, share: self.pool.share)
            let rc = curl_multi_add_handle(self.multi, easy)
            guard rc == CURLM_OK else {
                throw HTTPClientError(.transfer, "curl_multi_add_handle: \(String(cString: curl_multi_strerror(rc)))")
            }
            self.transfers[transfer.id] = transfer
            self.handles[easy] = transfer.id
        } catch {
            if let easy = transfer.detach() { self.pool.discard(easy) }
            if reused, let fresh = self.pool.fresh() {
                self.start(transfer, on: fresh, reused: false)
            } else {
                transfer.finish(error as? HTTPClientError ?? HTTPClientError(.transfer, "\(error)"))
            }
        }
    }

    /// Marks the loop as sleeping unless a command is already waiting (then it must not sleep).
    private func prepareToSleep() -> Bool {
        self.commands.withLock { state in
            state.sleeping = state.queue.isEmpty
            return state.sleeping
        }
    }

    private func dequeued() { self.commands.withLock { $0.queued -= 1 } }

    private func collectFinished() {
        var remaining: Int32 = 0
        while let message = curl_multi_info_read(self.multi, &remaining) {
            guard message.pointee.msg == CURLMSG_DONE, let easy = message.pointee.easy_handle,
                  let id = self.handles[easy], let transfer = self.transfers[id]
            else { continue }
            let code = message.pointee.data.result
            if code == CURLE_OPERATION_TIMEDOUT { Self.shutDownConnection(of: easy) }
            let error = code == CURLE_OK ? nil : CurlResult.error(code, detail: transfer.errorText, url: transfer.request.url)
            self.finish(transfer, error, completed: true)
        }
    }

    /// A transfer that stalled (low-speed limit or deadline) condemns its connection: on HTTP/2 libcurl
    /// keeps a multiplexed connection for the other streams, which would then each wait out their own
    /// limit on a dead peer. `shutdown` (not `close`: curl still owns the descriptor, so it cannot be
    /// reused under curl's feet) makes every other stream on it fail at once with a read error, and curl
    /// drops the connection; their blobs are retried on a new one. An HTTP/1.1 connection is already
    /// closed by curl, and then there is no active socket. docs/stalled-transfers.md.
    private static func shutDownConnection(of easy: UnsafeMutableRawPointer) {
        var fd = ahk_curl_active_socket(easy)
        if fd < 0 {
            // HTTP/2 with other streams still on the connection: see ConnectionSocket.
            var local = 0, remote = 0
            if ahk_curl_getinfo_long(easy, CURLINFO_LOCAL_PORT, &local) == CURLE_OK,
               ahk_curl_getinfo_long(easy, CURLINFO_PRIMARY_PORT, &remote) == CURLE_OK {
                fd = ConnectionSocket.find(localPort: local, remotePort: remote) ?? -1
            }
        }
        if fd >= 0 { _ = Glibc.shutdown(fd, Int32(SHUT_RDWR)) }
    }

    /// Removes the handle from the multi handle first, so no callback can fire afterwards. Only the handle
    /// of a transfer that libcurl completed (CURLMSG_DONE) goes back to the pool: one removed mid-transfer
    /// (cancelled, shut down) keeps state that `curl_easy_reset` does not clear, and libcurl 7.88 then
    /// refuses the next transfer's CURLOPT_BUFFERSIZE (seen with HTTP/2, tests/DeadConnectionTests).
    private func finish(_ transfer: CurlTransfer, _ error: HTTPClientError?, completed: Bool = false) {
        self.transfers[transfer.id] = nil
        if let easy = transfer.detach() {
            curl_multi_remove_handle(self.multi, easy)
            self.handles[easy] = nil
            self.pool.give(easy, reusable: completed)
        }
        transfer.finish(error)
    }
}

/// curl_global_init is not thread-safe; a global's lazy initializer runs exactly once.
private let curlGlobalInit: Void = { _ = curl_global_init(Int(CURL_GLOBAL_ALL)) }()
