/// The indexers behind ``SplunkHECFake``'s one URL, as a load balancer shows them (docs/sink-protocols.md, Splunk): event
/// requests and acknowledgement queries each go round-robin to the next indexer; every indexer counts
/// ackIds per channel on its own from 0, answers true for an ackId once it was polled its
/// `pollsBeforeTrue` times and then forgets it, and answers false for an ackId it does not know. A restart
/// loses the indexer's pending requests and starts its counters from 0 again.
struct SplunkHECIndexers: Sendable {
    struct Indexer: Sendable {
        struct Pending: Sendable {
            var polls = 0
            /// The request's events, as indices into the fake's `events`.
            var events: Range<Int>
        }

        var pollsBeforeTrue: Int?
        var pending: [String: [Int: Pending]] = [:]
        var nextAckId: [String: Int] = [:]
    }

    var indexers: [Indexer] = [Indexer(pollsBeforeTrue: 1)]
    /// The indexer that accepts the request that brings this to 0 restarts afterwards (nil: none pending).
    var restartAfter: Int?
    /// Indices of the events whose own indexer answered true for their request's ackId.
    var acknowledged: Set<Int> = []
    private var nextEventIndexer = 0
    private var nextAckIndexer = 0

    /// Hands an accepted request to the next indexer; returns its ackId there.
    mutating func accept(channel: String, events: Range<Int>) -> Int {
        let index = self.nextEventIndexer % self.indexers.count
        self.nextEventIndexer += 1
        let id = self.indexers[index].nextAckId[channel, default: 0]
        self.indexers[index].nextAckId[channel] = id + 1
        self.indexers[index].pending[channel, default: [:]][id] = Indexer.Pending(events: events)
        self.restartAfter = self.restartAfter.map { $0 - 1 }
        if self.restartAfter == 0 {
            self.restartAfter = nil
            self.indexers[index].pending = [:]
            self.indexers[index].nextAckId = [:]
        }
        return id
    }

    /// The next indexer's answer for `ids` of `channel`.
    mutating func answer(channel: String, ids: [Int]) -> [(id: Int, acked: Bool)] {
        let index = self.nextAckIndexer % self.indexers.count
        self.nextAckIndexer += 1
        return ids.map { id in
            guard var pending = self.indexers[index].pending[channel]?[id] else { return (id, false) }
            pending.polls += 1
            guard let needed = self.indexers[index].pollsBeforeTrue, pending.polls >= needed else {
                self.indexers[index].pending[channel]?[id] = pending
                return (id, false)
            }
            self.indexers[index].pending[channel]?[id] = nil  // HEC forgets an ackId once it said true
            self.acknowledged.formUnion(pending.events)
            return (id, true)
        }
    }
}
