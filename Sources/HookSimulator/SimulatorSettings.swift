/// Every knob of the simulator, with the defaults that model Microsoft's documented behaviour.
/// The facts each knob models are stated beside it (docs/simulator.md, docs/management-api-notes.md); "harsher" marks an undocumented choice.
public struct SimulatorSettings: Sendable {
    // MARK: Management API
    /// `/content` and `/notifications` entries per page before a `NextPageUri` is sent (undocumented).
    public var pageSize = 200
    /// Whether `NextPageUri` uses `/api/v1/` as in Microsoft's example, instead of `/api/v1.0/`.
    public var nextPageUsesV1Path = true
    /// Requests per minute per tenant ("a baseline of 2,000 requests per minute").
    public var tenantBudgetPerMinute = 2000
    /// Length of a budget window in real seconds (60; shorter only in tests, to reach a refill quickly).
    public var throttleWindowSeconds = 60.0
    /// HTTP status of AF429: 403 as in Microsoft's own example, or 429.
    public var throttleStatus = 403
    /// Harsher than Microsoft (which only pools such calls into one quota): answer 403 to any
    /// Management API call without the `PublisherIdentifier` query parameter, so a call site that drops
    /// it fails. The test helpers turn it on.
    public var requirePublisherIdentifier = false
    /// Minimum seconds between two `/start` calls per tenant and content type (15 minutes).
    public var startThrottleSeconds = 900.0
    /// Whether webhook addresses must be HTTPS (AF20021 "The address must begin with HTTPS.").
    public var requireHTTPSWebhook = true
    /// Seconds the validation POST may take (undocumented; harsher: the 5 s that implementers report for the validation handshake).
    public var validationTimeoutSeconds = 5.0
    /// How long content stays retrievable after it became available (7 days).
    public var contentRetentionSeconds = 7.0 * 86400
    /// How far back `startTime` may reach (7 days; harsher: no grace hour).
    public var maxLookbackSeconds = 7.0 * 86400
    /// The public base URL of the simulator, used in `contentUri` and `NextPageUri`; set from the
    /// bound port when empty.
    public var baseURL = ""

    // MARK: Entra ID
    /// `expires_in` of issued tokens (samples show 3599).
    public var tokenLifetimeSeconds = 3599

    // MARK: Notification delivery
    /// A notification carries 1 ... this many blobs.
    public var maxBlobsPerNotification = 5
    /// First retry after this many seconds, doubling per failure up to `retryMaxSeconds`.
    public var retryBaseSeconds = 1.0
    public var retryMaxSeconds = 300.0
    /// Consecutive failed deliveries after which the webhook is `disabled` (undocumented).
    public var disableAfterFailures = 10
    /// Probability that a notification is delivered twice.
    public var duplicateNotificationRate = 0.0
    /// Probability that a batch of notifications is sent in shuffled order.
    public var reorderRate = 0.0
    /// Seconds between a blob becoming available and its notification.
    public var deliveryDelaySeconds = 0.0
    /// Probability that a blob is never notified, so only polling finds it.
    public var neverNotifyRate = 0.0
    /// Pending deliveries held at most; more are dropped and counted (a bounded queue).
    public var deliveryQueueCapacity = 100_000
    /// Seconds one notification POST may take.
    public var deliveryTimeoutSeconds = 10.0

    // MARK: Content generation
    public var minRecordsPerBlob = 1
    public var maxRecordsPerBlob = 20
    /// Probability that a record repeats one from an earlier blob of the same subscription.
    public var duplicateRecordRate = 0.0
    /// Characters of filler in an `ExtendedProperties` entry added to every record (0: none); benchmarks
    /// use it for ~1 KB records.
    public var recordPadBytes = 0
    /// Probability that a blob's `contentCreated` lies before that of blobs listed earlier.
    public var outOfOrderRate = 0.0
    /// Probability that `RecordType`/`UserType` are sent as strings.
    public var stringNumberRate = 0.1
    /// Probability that `ClientIP` carries a port, `"<null>"` or `""`.
    public var clientIPQuirkRate = 0.2
    /// Whether records vary their key order.
    public var shuffleKeys = true
    /// Seed of every random decision.
    public var seed: UInt64 = 1
    /// Records per second published by the background publisher (0: only on request).
    public var publishRecordsPerSecond = 0.0

    // MARK: Logs Ingestion (docs/sink-protocols.md, Logs Ingestion)
    /// Largest accepted call, compressed and uncompressed (1 MB; harsher: decimal megabyte).
    public var ingestMaxBytes = 1_000_000

    public init() {}
}

extension SimulatorSettings {
    /// Applies the keys present in `object` (the `settings` part of a scenario or `/_sim/configure`).
    mutating func apply(_ object: [String: Any]) {
        func set(_ key: String, _ target: inout Int) { if let v = object.int(key) { target = v } }
        func set(_ key: String, _ target: inout Double) { if let v = object.double(key) { target = v } }
        func set(_ key: String, _ target: inout Bool) { if let v = object.bool(key) { target = v } }
        set("pageSize", &self.pageSize)
        set("nextPageUsesV1Path", &self.nextPageUsesV1Path)
        set("tenantBudgetPerMinute", &self.tenantBudgetPerMinute)
        set("throttleWindowSeconds", &self.throttleWindowSeconds)
        set("throttleStatus", &self.throttleStatus)
        set("requirePublisherIdentifier", &self.requirePublisherIdentifier)
        set("startThrottleSeconds", &self.startThrottleSeconds)
        set("requireHTTPSWebhook", &self.requireHTTPSWebhook)
        set("validationTimeoutSeconds", &self.validationTimeoutSeconds)
        set("contentRetentionSeconds", &self.contentRetentionSeconds)
        set("maxLookbackSeconds", &self.maxLookbackSeconds)
        if let v = object.string("baseURL") { self.baseURL = v }
        set("tokenLifetimeSeconds", &self.tokenLifetimeSeconds)
        set("maxBlobsPerNotification", &self.maxBlobsPerNotification)
        set("retryBaseSeconds", &self.retryBaseSeconds)
        set("retryMaxSeconds", &self.retryMaxSeconds)
        set("disableAfterFailures", &self.disableAfterFailures)
        set("duplicateNotificationRate", &self.duplicateNotificationRate)
        set("reorderRate", &self.reorderRate)
        set("deliveryDelaySeconds", &self.deliveryDelaySeconds)
        set("neverNotifyRate", &self.neverNotifyRate)
        set("deliveryQueueCapacity", &self.deliveryQueueCapacity)
        set("deliveryTimeoutSeconds", &self.deliveryTimeoutSeconds)
        set("minRecordsPerBlob", &self.minRecordsPerBlob)
        set("maxRecordsPerBlob", &self.maxRecordsPerBlob)
        set("duplicateRecordRate", &self.duplicateRecordRate)
        set("recordPadBytes", &self.recordPadBytes)
        set("outOfOrderRate", &self.outOfOrderRate)
        set("stringNumberRate", &self.stringNumberRate)
        set("clientIPQuirkRate", &self.clientIPQuirkRate)
        set("shuffleKeys", &self.shuffleKeys)
        if let v = object.int("seed") { self.seed = UInt64(truncatingIfNeeded: v) }
        set("publishRecordsPerSecond", &self.publishRecordsPerSecond)
        set("ingestMaxBytes", &self.ingestMaxBytes)
        self.maxRecordsPerBlob = max(self.maxRecordsPerBlob, self.minRecordsPerBlob)
        self.maxBlobsPerNotification = max(1, self.maxBlobsPerNotification)
    }
}
