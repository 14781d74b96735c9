/// How a database is opened. The defaults favour durability over speed: this is the service's state.
///
/// The journal mode is always WAL and is not an option: readers never block the writer, and a commit
/// is one append plus (with `synchronous = FULL`) one fsync of the WAL.
public struct SQLiteOptions: Sendable {
    /// How long a statement waits for another connection's lock before failing with `SQLITE_BUSY`.
    public var busyTimeout: Duration
    /// `PRAGMA synchronous`; keep ``Synchronous/full`` unless losing the last commits on power loss is acceptable.
    public var synchronous: Synchronous
    /// `PRAGMA foreign_keys`; SQLite's own default is off, ours is on.
    public var foreignKeys: Bool
    /// How many prepared statements a connection keeps, keyed by SQL text; 0 disables the cache.
    public var statementCacheCapacity: Int
    /// `PRAGMA wal_autocheckpoint`: after a commit leaves this many pages in the WAL, that commit copies them
    /// into the database file (SQLite's default, 1000). 0 turns it off: the owner then checkpoints itself,
    /// typically from a second connection, so that no commit waits for a checkpoint.
    public var autoCheckpointPages: Int

    /// Options with durable defaults: 5 s busy timeout, `synchronous = FULL`, foreign keys on, 32 cached statements.
    public init(
        busyTimeout: Duration = .seconds(5),
        synchronous: Synchronous = .full,
        foreignKeys: Bool = true,
        statementCacheCapacity: Int = 32,
        autoCheckpointPages: Int = 1000
    ) {
        self.autoCheckpointPages = max(0, autoCheckpointPages)
        self.busyTimeout = busyTimeout
        self.synchronous = synchronous
        self.foreignKeys = foreignKeys
        self.statementCacheCapacity = statementCacheCapacity
    }

    /// `PRAGMA synchronous` levels, as documented for WAL mode.
    public enum Synchronous: String, Sendable, CaseIterable {
        /// No fsync: a power loss can corrupt or lose recent commits. Tests only.
        case off = "OFF"
        /// WAL is synced at checkpoints only: "a transaction committed in WAL mode with synchronous=NORMAL
        /// might roll back following a power loss" (SQLite docs). Consistent, not durable.
        case normal = "NORMAL"
        /// The WAL is synced at every commit: a commit that returned survives a power loss.
        case full = "FULL"
        /// Like FULL, and also syncs the directory after unlinking a rollback journal.
        case extra = "EXTRA"

        /// The numeric value `PRAGMA synchronous` reports (0...3).
        var pragmaValue: Int64 {
            switch self {
            case .off: 0
            case .normal: 1
            case .full: 2
            case .extra: 3
            }
        }
    }

    /// The busy timeout in whole milliseconds for `sqlite3_busy_timeout`, clamped to `Int32`.
    var busyTimeoutMilliseconds: Int32 {
        let (seconds, attoseconds) = self.busyTimeout.components
        let milliseconds = seconds.multipliedReportingOverflow(by: 1000)
        guard !milliseconds.overflow else { return seconds < 0 ? 0 : Int32.max }
        let total = milliseconds.partialValue + attoseconds / 1_000_000_000_000_000
        return Int32(clamping: max(0, total))
    }
}
