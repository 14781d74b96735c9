/// Waits for HEC indexer acknowledgements of one channel, polling `POST /services/collector/ack` with the
/// pending ackIds of every concurrent request in one query.
///
/// No background task: the first waiter that finds nobody polling becomes the poller (sleep one interval,
/// query, record the answers, wake the others); when its own request is settled it hands the role to
/// another waiter. An ackId that is still false past `timeout` fails its request as retryable, so the
/// batch is sent again (HEC may then hold it twice: a false ack also means "unknown", sinks.md §3a).
actor SplunkHECAckTracker {
    /// Asks HEC about `ids`.
    typealias Query = @Sendable (_ ids: [Int]) async -> Result<[Int: Bool], TransportError>

    private struct Pending {
        var deadline: ContinuousClock.Instant
        var outcome: Result<Void, TransportError>?
    }

    private let interval: Duration
    private let timeout: Duration
    private let query: Query
    private var pending: [Int: Pending] = [:]
    private var waiters: [Int: CheckedContinuation<Void, Never>] = [:]
    private var nextWaiter = 0
    private var polling = false

    init(interval: Duration, timeout: Duration, query: @escaping Query) {
        self.interval = interval
        self.timeout = timeout
        self.query = query
    }

    /// Returns once every id is acknowledged; throws the first failure otherwise.
    func waitForAcks(_ ids: [Int]) async throws(TransportError) {
        guard !ids.isEmpty else { return }
        let deadline = ContinuousClock.now + self.timeout
        for id in ids { self.pending[id] = Pending(deadline: deadline) }
        let token = self.nextWaiter
        self.nextWaiter += 1
        while true {
            let outcomes = ids.compactMap { self.pending[$0]?.outcome }
            let failure = outcomes.lazy.compactMap { outcome -> TransportError? in
                if case .failure(let error) = outcome { error } else { nil }
            }.first
            if outcomes.count == ids.count || failure != nil {
                for id in ids { self.pending[id] = nil }
                self.handOff()
                if let failure { throw failure }
                return
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

    private func pollOnce() async {
        try? await Task.sleep(for: self.interval)
        let ids = self.pending.filter { $0.value.outcome == nil }.keys.sorted()
        guard !ids.isEmpty else { return }
        let answer = await self.query(ids)
        let now = ContinuousClock.now
        for id in ids {
            guard var entry = self.pending[id], entry.outcome == nil else { continue }
            switch answer {
            case .success(let acks) where acks[id] == true:
                entry.outcome = .success(())
            case .failure(.permanent(let message)):
                entry.outcome = .failure(.permanent("indexer acknowledgement: \(message)"))
            default:
                // Still false, or the query failed for a passing reason: keep polling until the deadline.
                if now >= entry.deadline {
                    entry.outcome = .failure(.retryable(
                        "no indexer acknowledgement for ackId \(id) within \(self.timeout); the batch is sent again (HEC may then hold a duplicate)",
                        retryAfter: nil))
                }
            }
            self.pending[id] = entry
        }
        // Everyone re-checks their ids; whoever is still waiting parks again.
        let waiters = self.waiters
        self.waiters = [:]
        for waiter in waiters.values { waiter.resume() }
    }
}
