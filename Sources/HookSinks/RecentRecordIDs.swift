/// The ids of records a destination recently accepted, bounded (the oldest is forgotten first).
///
/// A send that fails after some of its requests went through is retried whole; transports skip the records
/// remembered here, so a retry does not post them twice (an alert message, a Sentinel row).
struct RecentRecordIDs<ID: Hashable> {
    private var order: [ID] = []
    private var members: Set<ID> = []
    private var next = 0
    let capacity: Int

    init(capacity: Int) { self.capacity = capacity }

    func contains(_ id: ID) -> Bool { self.members.contains(id) }

    mutating func insert(_ id: ID) {
        guard self.members.insert(id).inserted else { return }
        if self.order.count < self.capacity {
            self.order.append(id)
        } else {
            self.members.remove(self.order[self.next])
            self.order[self.next] = id
            self.next = (self.next + 1) % self.capacity
        }
    }
}
