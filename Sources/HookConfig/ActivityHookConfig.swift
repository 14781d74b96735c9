/// The whole ActivityHook configuration, as loaded from its one YAML file.
///
/// Every value here is already validated and normalised: GUIDs are lowercase, content types use the
/// API's exact spelling, relative paths are absolute (resolved against the config file's directory),
/// durations are `Duration`s and secrets are ``Secret``s. Build one with ``ConfigLoader`` or, in tests,
/// with the memberwise-style inits, whose defaults match the documented config defaults.
public struct ActivityHookConfig: Sendable {
    /// The webhook receiver (`server:`).
    public var server: ServerConfig
    /// Durable state (`state:`).
    public var state: StateConfig
    /// The Management Activity API (`api:`).
    public var api: APIConfig
    /// The tenants to collect from (`tenants:`); at least one.
    public var tenants: [TenantConfig]
    /// Fetch-and-forward workers (`workers:`).
    public var workers: WorkersConfig
    /// The catch-up poller (`poller:`).
    public var poller: PollerConfig
    /// Where records go (`sinks:`); at least one, names unique.
    public var sinks: [SinkConfig]
    /// The local spool between fetching and the sinks (`spool:`).
    public var spool: SpoolConfig
    /// Absolute directory that relative paths in the file were resolved against.
    public var baseDirectory: String

    /// Creates a config; defaults are the documented defaults of each section.
    public init(
        server: ServerConfig,
        state: StateConfig,
        api: APIConfig = APIConfig(),
        tenants: [TenantConfig],
        workers: WorkersConfig = WorkersConfig(),
        poller: PollerConfig = PollerConfig(),
        sinks: [SinkConfig],
        spool: SpoolConfig = SpoolConfig(),
        baseDirectory: String = "/"
    ) {
        self.server = server
        self.state = state
        self.api = api
        self.tenants = tenants
        self.workers = workers
        self.poller = poller
        self.sinks = sinks
        self.spool = spool
        self.baseDirectory = baseDirectory
    }

    /// The tenant with this tenant id (compared case-insensitively), if configured.
    public func tenant(id: String) -> TenantConfig? {
        let lowered = id.lowercased()
        return self.tenants.first { $0.tenantId == lowered }
    }
}

/// The result of loading a config: the config and the warnings about settings that were accepted anyway.
public struct LoadedConfig: Sendable {
    /// The validated config.
    public var config: ActivityHookConfig
    /// Accepted-but-suspicious settings (e.g. `http://` URLs, a poll interval under a minute).
    public var warnings: [ConfigWarning]

    /// Pairs a config with its warnings.
    public init(config: ActivityHookConfig, warnings: [ConfigWarning] = []) {
        self.config = config
        self.warnings = warnings
    }
}

/// Durable state (`state:`).
public struct StateConfig: Sendable {
    /// Absolute path of the SQLite state database (`state.path`, required).
    public var path: String
    /// Blobs `done` for longer than this are deleted (`state.doneRetention`, default 9d: the record claims'
    /// retention, so a blob is never forgotten while its records' claims are still kept).
    public var doneRetention: Duration
    /// Most pending blobs per tenant × content type that webhook notices may create
    /// (`state.maxPendingPerContentType`, default 100000; 0 for no cap). The poller's are never refused.
    public var maxPendingPerContentType: Int

    /// Creates the section.
    public init(path: String, doneRetention: Duration = .seconds(9 * 86_400), maxPendingPerContentType: Int = 100_000) {
        self.path = path
        self.doneRetention = doneRetention
        self.maxPendingPerContentType = maxPendingPerContentType
    }
}

/// Fetch-and-forward workers (`workers:`).
public struct WorkersConfig: Sendable {
    /// How many content blobs are fetched and forwarded at once (`workers.concurrency`, default 8).
    public var concurrency: Int
    /// Failed attempts of one blob after which each further failure is logged at error level instead of
    /// warning (`workers.maxAttempts`, default 10). It never makes a blob dead: only a permanent reason does
    /// (AF20050/51/52, or a body unparseable 3 times); a fetch or sink outage keeps retrying, with back-off
    /// capped at 5 minutes, until the content expires.
    public var maxAttempts: Int

    /// Content types leased first, in this order, within each tenant (`workers.priority`, default
    /// `[Audit.General, DLP.All]`: where the alerts and DLP matches live); the others follow, oldest first.
    /// Tenants always take turns, so one tenant's backlog never starves another's new blob.
    public var priority: [ContentType]

    public static let defaultPriority: [ContentType] = [.auditGeneral, .dlpAll]

    /// Creates the section with the documented defaults.
    public init(concurrency: Int = 8, maxAttempts: Int = 10, priority: [ContentType] = Self.defaultPriority) {
        self.concurrency = concurrency
        self.maxAttempts = maxAttempts
        self.priority = priority
    }
}

/// The catch-up poller that lists `/subscriptions/content` to recover missed notifications (`poller:`).
public struct PollerConfig: Sendable {
    /// Time between polls (`poller.interval`, default 5m; 1s minimum, under 1m warns).
    public var interval: Duration
    /// How far each poll window reaches back before the previous window's end (`poller.overlap`, default 15m).
    public var overlap: Duration
    /// How far back the first poll of a new tenant/content type starts (`poller.initialLookback`,
    /// default 24h, at most 7d because content expires after 7 days).
    public var initialLookback: Duration

    /// Creates the section with the documented defaults.
    public init(
        interval: Duration = .seconds(300),
        overlap: Duration = .seconds(900),
        initialLookback: Duration = .seconds(86_400)
    ) {
        self.interval = interval
        self.overlap = overlap
        self.initialLookback = initialLookback
    }
}
