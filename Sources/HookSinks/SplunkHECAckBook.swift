/// The bookkeeping of one HEC channel's acknowledgements, per request rather than per ackId
/// (docs/splunk-hec-acks.md).
///
/// Behind a load balancer every indexer counts ackIds on its own, and an indexer that restarts counts from 0
/// again, so two requests of one channel can hold the same ackId. An answer for that ackId then says nothing
/// about which request was indexed. Such a collision fails every request involved as retryable (sending
/// again may duplicate events, it never loses them). An ackId given up on (past its deadline, or in a
/// collision) may still be pending on some indexer, so it is remembered for a while and a new request that
/// gets it is a collision too.
struct SplunkHECAckBook {
    /// How many given-up ackIds are remembered per channel.
    static let abandonedMemory = 10_000

    enum Outcome: Sendable {
        case acknowledged
        case failed(TransportError)
    }

    private struct Request {
        let ackId: Int
        let deadline: ContinuousClock.Instant
        var outcome: Outcome?
    }

    private var requests: [Int: Request] = [:]
    /// ackId → the numbers of the unsettled requests holding it (more than one only in a collision).
    private var holders: [Int: Set<Int>] = [:]
    private var abandoned = RecentRecordIDs<Int>(capacity: SplunkHECAckBook.abandonedMemory)
    private var nextRequest = 0

    /// The ackIds to ask HEC about.
    var pendingAckIds: [Int] { self.holders.keys.sorted() }

    /// Records that a request was accepted with `ackId`; returns the request's number.
    mutating func register(ackId: Int, deadline: ContinuousClock.Instant) -> Int {
        let number = self.nextRequest
        self.nextRequest += 1
        self.requests[number] = Request(ackId: ackId, deadline: deadline)
        let others = self.holders[ackId, default: []]
        self.holders[ackId, default: []].insert(number)
        if !others.isEmpty || self.abandoned.contains(ackId) {
            self.giveUp(ackId, .retryable(
                "HEC gave ackId \(ackId) to more than one request of this channel (load balancer or indexer restart); the batches are sent again (HEC may then hold duplicates)",
                retryAfter: nil))
        }
        return number
    }

    /// Applies an answer to `POST /services/collector/ack`.
    mutating func record(_ acks: [Int: Bool]) {
        for (ackId, acked) in acks where acked {
            guard let numbers = self.holders[ackId], numbers.count == 1, let number = numbers.first else { continue }
            self.holders[ackId] = nil
            self.requests[number]?.outcome = .acknowledged
        }
    }

    /// Fails every unsettled request (a permanent answer to the acknowledgement query).
    mutating func failAll(_ error: TransportError) {
        for ackId in self.holders.keys { self.giveUp(ackId, error) }
    }

    /// Fails the unsettled requests whose deadline passed.
    mutating func expire(now: ContinuousClock.Instant, timeout: Duration) {
        for (ackId, numbers) in self.holders where numbers.contains(where: { self.requests[$0].map { now >= $0.deadline } ?? false }) {
            self.giveUp(ackId, .retryable(
                "no indexer acknowledgement for ackId \(ackId) within \(timeout); the batch is sent again (HEC may then hold a duplicate)",
                retryAfter: nil))
        }
    }

    /// The outcome of a request, once settled.
    func outcome(of number: Int) -> Outcome? { self.requests[number]?.outcome }

    /// Forgets a request whose waiter is done; one still unsettled is given up on (its waiter was cancelled).
    mutating func remove(_ number: Int) {
        guard let request = self.requests.removeValue(forKey: number) else { return }
        if request.outcome == nil, self.holders[request.ackId]?.remove(number) != nil {
            if self.holders[request.ackId]?.isEmpty == true { self.holders[request.ackId] = nil }
            self.abandoned.insert(request.ackId)
        }
    }

    /// Settles every request holding `ackId` with `error` and remembers the ackId as possibly still pending.
    private mutating func giveUp(_ ackId: Int, _ error: TransportError) {
        for number in self.holders.removeValue(forKey: ackId) ?? [] {
            self.requests[number]?.outcome = .failed(error)
        }
        self.abandoned.insert(ackId)
    }
}
