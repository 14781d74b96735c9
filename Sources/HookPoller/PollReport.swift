/// What one poll or backfill of one tenant × content type did.
public struct PollReport: Sendable, Equatable {
    /// Windows listed completely.
    public var windows = 0
    /// Pages fetched.
    public var pages = 0
    /// Blobs the ledger did not know.
    public var newBlobs = 0
    /// Blobs it already knew (from the webhook or an earlier listing).
    public var knownBlobs = 0
    /// Windows that had to be corrected after AF20030/AF20055.
    public var corrections = 0

    /// An empty report.
    public init() {}

    /// Adds `other` to this report.
    public mutating func add(_ other: PollReport) {
        self.windows += other.windows
        self.pages += other.pages
        self.newBlobs += other.newBlobs
        self.knownBlobs += other.knownBlobs
        self.corrections += other.corrections
    }
}
