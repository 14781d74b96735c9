import Logging

/// The state of one ``BatchingSink``: the queue of waiting records, the deliveries they belong to, and the
/// request slots. An actor, so every decision is taken under its isolation and re-checked after each await.
actor BatchingCore<T: BatchTransport> {
    /// Part of one delivery's records, in the queue or in a request.
    struct Piece: Sendable {
        var delivery: Int
        var batch: RecordBatch
        var bytes: Int
    }

    /// One `deliver` call: how many of its pieces are unfinished, and whether any failed.
    struct Delivery {
        var outstanding: Int
        var failure: SinkError?
        var waiter: CheckedContinuation<Void, Never>?
    }

    enum State { case running, draining, closed }

    let name: String
    let transport: T
    let limits: BatchLimits
    let configuration: BatchingSinkConfiguration
    let metrics: SinkMetrics
    let logger: Logger

    var state = State.running
    var queue: [Piece] = []
    var head = 0
    var queuedBytes = 0
    var queuedRecords = 0
    var deliveries: [Int: Delivery] = [:]
    var nextDelivery = 0
    /// Leaders gathering or sending; at most `configuration.maxInFlight`.
    var leaders = 0
    /// A leader is waiting for more records: new deliveries leave their records to it.
    var gathering: (token: Int, waiter: CheckedContinuation<Void, Never>?)?
    var nextToken = 0
    var spaceWaiters: [CheckedContinuation<Void, Never>] = []
    var idleWaiters: [CheckedContinuation<Void, Never>] = []

    init(name: String, transport: T, configuration: BatchingSinkConfiguration, metrics: SinkMetrics, logger: Logger) {
        self.name = name
        self.transport = transport
        self.limits = transport.limits
        self.configuration = configuration
        self.metrics = metrics
        self.logger = logger
    }

    var hasQueued: Bool { self.head < self.queue.count }

    func deliver(_ batch: RecordBatch) async throws(SinkError) {
        guard !batch.records.isEmpty else { return }
        let bytes = batch.byteCount
        // Back-pressure: wait while the queue is non-empty and this batch would push it past the bound.
        while self.state == .running, self.queuedBytes > 0, self.queuedBytes + bytes > self.configuration.maxPendingBytes {
            await withCheckedContinuation { self.spaceWaiters.append($0) }
        }
        guard self.state == .running else {
            throw SinkError(sink: self.name, kind: .transient, message: "the sink is shutting down and takes no new records")
        }
        let id = self.nextDelivery
        self.nextDelivery += 1
        self.deliveries[id] = Delivery(outstanding: 1)
        self.queue.append(Piece(delivery: id, batch: batch, bytes: bytes))
        self.queuedBytes += bytes
        self.queuedRecords += batch.records.count
        if self.requestIsFull { self.endGathering() }
        while true {
            if let delivery = self.deliveries[id], delivery.outstanding == 0 {
                self.deliveries[id] = nil
                self.resumeIdleWaitersIfIdle()
                if let failure = delivery.failure { throw failure }
                return
            }
            if self.gathering == nil, self.leaders < self.configuration.maxInFlight, self.hasQueued {
                await self.lead()
                continue
            }
            await withCheckedContinuation { self.deliveries[id]?.waiter = $0 }
        }
    }

    /// One request: gather, take, send with retries, finish the pieces, hand the lead on.
    private func lead() async {
        self.leaders += 1
        if self.limits.linger > .zero, !self.requestIsFull, self.state == .running {
            await self.gatherMore()
        }
        let request = self.takeRequest()
        // Records left over for another request may go out in parallel on a free slot.
        self.handOff()
        if !request.isEmpty {
            let outcome = await self.send(request)
            self.finish(request, outcome)
        }
        self.leaders -= 1
        self.handOff()
        self.resumeIdleWaitersIfIdle()
    }

    /// Waits up to `linger` for other deliveries; ended early by a full request or shutdown.
    private func gatherMore() async {
        let token = self.nextToken
        self.nextToken += 1
        self.gathering = (token, nil)
        let linger = self.limits.linger
        await withTaskGroup(of: Void.self) { group in
            group.addTask {
                try? await Task.sleep(for: linger)
                await self.endGathering(token: token)
            }
            await withCheckedContinuation { continuation in
                if self.gathering?.token == token {
                    self.gathering?.waiter = continuation
                } else {
                    continuation.resume()  // ended before we suspended
                }
            }
            group.cancelAll()
        }
    }

    private func endGathering(token: Int) {
        guard self.gathering?.token == token else { return }
        self.endGathering()
    }

    func endGathering() {
        guard let gathering = self.gathering else { return }
        self.gathering = nil
        gathering.waiter?.resume()
    }

    var requestIsFull: Bool {
        self.queuedRecords >= self.limits.maxRecords || self.queuedBytes >= self.limits.maxBytes
    }

    /// Wakes parked deliveries that own queued records, one per free request slot.
    func handOff() {
        var free = self.configuration.maxInFlight - self.leaders
        guard free > 0, self.gathering == nil else { return }
        var index = self.head
        while free > 0, index < self.queue.count {
            let id = self.queue[index].delivery
            if let waiter = self.deliveries[id]?.waiter {
                self.deliveries[id]?.waiter = nil
                waiter.resume()
                free -= 1
            }
            index += 1
        }
    }

    private func resumeIdleWaitersIfIdle() {
        guard self.deliveries.isEmpty, self.leaders == 0, !self.idleWaiters.isEmpty else { return }
        let waiters = self.idleWaiters
        self.idleWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    func resumeSpaceWaiters() {
        let waiters = self.spaceWaiters
        self.spaceWaiters = []
        for waiter in waiters { waiter.resume() }
    }

    func shutdown() async {
        if self.state == .running {
            self.state = .draining
            self.resumeSpaceWaiters()
            self.endGathering()
            while !(self.deliveries.isEmpty && self.leaders == 0) {
                await withCheckedContinuation { self.idleWaiters.append($0) }
            }
            await self.transport.close()
            self.state = .closed
            self.resumeIdleWaitersIfIdle()
        } else {
            // A second caller waits for the first one's drain.
            while self.state != .closed {
                await withCheckedContinuation { self.idleWaiters.append($0) }
            }
        }
    }
}
