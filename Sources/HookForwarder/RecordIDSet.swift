import HookRecords

/// The record Ids met so far in one blob, so that a record repeated within the blob is sent once.
///
/// A GUID Id is kept as its 128 bits (16 bytes in the set's table, no allocation of its own); any other Id
/// as its text. A 100,000-record blob so costs about 2 MB here instead of about 10 MB of Strings, which
/// matters for the 64 MB budget while forwarding a 100 MB blob.
struct RecordIDSet: Sendable {
    private var guids: Set<RecordGUID> = []
    private var texts: Set<String> = []

    var count: Int { self.guids.count + self.texts.count }

    /// Inserts `id`; false when it was already there (either case of the same GUID counts as the same).
    mutating func insert(_ id: String) -> Bool {
        if let guid = RecordGUID(id) { return self.guids.insert(guid).inserted }
        return self.texts.insert(id).inserted
    }
}
