import HookRecords

/// The keys of records a destination recently accepted, bounded (the oldest is forgotten first).
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

    /// Forgets `id` (its slot in the ring is reused when its turn comes).
    mutating func remove(_ id: ID) {
        self.members.remove(id)
    }

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

/// What identifies a record among those a Logs Ingestion send has delivered: its blob, `Id` and
/// `CreationTime` text. The `Id` alone is not enough: two records may share an Id and differ in their
/// CreationTime (the claims key them by both), and a replayed blob must be delivered again.
struct AcceptedRecordKey: Hashable {
    let blobId: Int64
    let id: String
    let creationTime: String?

    /// The key of `record` of blob `source`; nil for a record without an `Id` (never skipped).
    init?(_ record: SplitRecord, source: BlobSource) {
        guard let id = record.id else { return nil }
        self.blobId = source.blobId
        self.id = id
        self.creationTime = record.creationTimeText
    }
}
