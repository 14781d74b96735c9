/// Waits for HEC indexer acknowledgements of one channel, polling `POST /services/collector/ack` with the
/// pending ackIds of every concurrent request in one query. The bookkeeping is per request
/// (``SplunkHECAckBook``): an ackId held by two requests fails both as retryable.
///
/// No background task: the first waiter that finds nobody polling becomes the poller (sleep one interval,
/// query, record the answers, wake the others); when its own requests are settled it hands the role to
/// another waiter. Each waiter has its own deadline, `timeout` after its requests were accepted; an ackId
/// still false past it fails its request as retryable, so the batch is sent again (HEC may then hold it
/// twice: a false ack also means "unknown", docs/sink-protocols.md, Splunk).
actor SplunkHECAckTracker {
    /// Asks HEC about `ids`.
    typealias Query = @Sendable (_ ids: [Int]) async -> Result<[Int: Bool], TransportError>

    private let interval: Duration
    private let timeout: Duration
    private let query: Query
    private var book = SplunkHECAckBook()
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0
    private var polling = false

    init(interval: Duration, timeout: Duration, query: @escaping Query) {
        self.interval = interval
        self.timeout = timeout
        self.query = query
    }

    /// Returns once the request of every id is acknowledged; throws the first failure otherwise.
    func waitForAcks(_ ids: [Int]) async throws(TransportError) {
        guard !ids.isEmpty else { return }
        let deadline = ContinuousClock.now + self.timeout
        let requests = ids.map { self.book.register(ackId: $0, deadline: deadline) }
        let token = self.nextWaiter
        self.nextWaiter += 1
        defer {
            for request in requests { self.book.remove(request) }
            self.handOff()
        }
        // A collision may have settled other waiters' requests.
        self.wakeAll()
        while true {
            let outcomes = requests.compactMap { self.book.outcome(of: $0) }
            for case .failed(let error) in outcomes { throw error }
            if outcomes.count == requests.count { return }
            if Task.isCancelled {
                throw .retryable("cancelled while waiting for indexer acknowledgements", retryAfter: nil)
            }
            if !self.polling {
                self.polling = true
                await self.pollOnce()
                self.polling = false
                continue
            }
            await withCheckedContinuation { self.waiters[token] = $0 }
        }
    }

    /// Lets one parked waiter take over polling.
    private func handOff() {
        guard !self.polling, let (token, waiter) = self.waiters.first else { return }
        self.waiters[token] = nil
        waiter.resume()
    }

    private func wakeAll() {
        let waiters = self.waiters
        self.waiters = [:]
        for waiter in waiters.values { waiter.resume() }
    }

    private func pollOnce() async {
        try? await Task.sleep(for: self.interval)
        let ids = self.book.pendingAckIds
        if !ids.isEmpty {
            switch await self.query(ids) {
            case .success(let acks):
                self.book.record(acks)
            case .failure(.permanent(let message)):
                self.book.failAll(.permanent("indexer acknowledgement: \(message)"))
            case .failure(.retryable):
                break  // a passing failure: keep polling until the deadlines
            }
        }
        self.book.expire(now: .now, timeout: self.timeout)
        // Everyone re-checks their requests; whoever is still waiting parks again.
        self.wakeAll()
    }
}
