import Foundation
import Synchronization

/// Counters read by tests through `GET /_sim/counters`.
public struct SimCounters: Sendable {
    public var tokensIssued = 0
    public var tokensRefused = 0
    public var validations = 0
    public var validationsFailed = 0
    public var blobsPublished = 0
    public var blobsDropped = 0
    public var blobsListed = 0
    public var blobsServed = 0
    public var throttled = 0
    /// The most requests one budget pool received in one budget window (admitted or not).
    public var busiestBudgetWindow = 0
    public var startThrottled = 0
    /// Calls refused for lacking `PublisherIdentifier` (with `requirePublisherIdentifier`).
    public var missingPublisher = 0
    public var notificationsQueued = 0
    public var notificationsDropped = 0
    public var notificationsNeverSent = 0
    public var ingestCalls = 0
    public var ingestedRecords = 0
    public var requests = 0
    /// `/start` calls that created or updated a subscription (after the validation handshake, if any).
    public var subscriptionsStarted = 0
    /// Per webhook address: notifications (POSTs) answered 200, and the others.
    public var notificationsSent: [String: Int] = [:]
    public var notificationsFailed: [String: Int] = [:]

    var json: JSONOutput {
        func map(_ values: [String: Int]) -> JSONOutput {
            .object(values.sorted { $0.key < $1.key }.map { ($0.key, .number($0.value)) })
        }
        return .object([
            ("tokensIssued", .number(self.tokensIssued)), ("tokensRefused", .number(self.tokensRefused)),
            ("validations", .number(self.validations)), ("validationsFailed", .number(self.validationsFailed)),
            ("blobsPublished", .number(self.blobsPublished)), ("blobsDropped", .number(self.blobsDropped)),
            ("blobsListed", .number(self.blobsListed)), ("blobsServed", .number(self.blobsServed)),
            ("throttled", .number(self.throttled)), ("startThrottled", .number(self.startThrottled)),
            ("missingPublisher", .number(self.missingPublisher)),
            ("busiestBudgetWindow", .number(self.busiestBudgetWindow)),
            ("notificationsQueued", .number(self.notificationsQueued)),
            ("notificationsDropped", .number(self.notificationsDropped)),
            ("notificationsNeverSent", .number(self.notificationsNeverSent)),
            ("notificationsSent", map(self.notificationsSent)), ("notificationsFailed", map(self.notificationsFailed)),
            ("ingestCalls", .number(self.ingestCalls)), ("ingestedRecords", .number(self.ingestedRecords)),
            ("requests", .number(self.requests)), ("subscriptionsStarted", .number(self.subscriptionsStarted)),
        ])
    }
}

/// Everything the simulator knows, guarded by one lock. Handlers hold it only for lookups and
/// small updates; blob rendering and network I/O happen outside it.
struct SimStore: Sendable {
    var settings = SimulatorSettings()
    var tenants: [String: SimTenant] = [:]
    var subscriptions: [SubscriptionKey: Subscription] = [:]
    var blobs: [String: Blob] = [:]
    /// Content ids per subscription, in the order they became available.
    var blobOrder: [SubscriptionKey: [String]] = [:]
    var notifications: [SubscriptionKey: [NotificationEntry]] = [:]
    /// Last `/start` per tenant and content type (the 15-minute start throttle).
    var lastStart: [SubscriptionKey: Date] = [:]
    /// Client-assertion `jti` values seen, with their `exp`, to refuse replays.
    var seenAssertionIDs: [String: Date] = [:]
    var counters = SimCounters()
    /// A sequence for blob ordering and content ids.
    var nextSequence = 0
    /// Seeds handed to publish calls, so concurrent publishers stay reproducible.
    var random = SimRandom(seed: 1)
    /// Recent records per subscription, reused when a duplicate record is due.
    var recentRecords: [SubscriptionKey: [[UInt8]]] = [:]
}

/// The shared, lock-guarded state of one simulator instance.
public final class SimulatorState: Sendable {
    private let store: Mutex<SimStore>
    /// The simulated clock.
    public let clock: SimClock

    public init(settings: SimulatorSettings = SimulatorSettings(), clock: SimClock = SimClock()) {
        var store = SimStore()
        store.settings = settings
        store.random = SimRandom(seed: settings.seed)
        self.store = Mutex(store)
        self.clock = clock
    }

    /// Tests waiting for a counter (`GET /_sim/wait`).
    let waiters = CounterWaiters()

    /// Runs `body` with exclusive access to the store, then wakes the counter waiters it satisfied.
    func withStore<R>(_ body: (inout SimStore) throws -> R) rethrows -> R {
        let (result, counters) = try self.store.withLock { store in (try body(&store), store.counters) }
        self.waiters.check(counters)
        return result
    }

    /// A copy of the current settings.
    public var settings: SimulatorSettings { self.withStore { $0.settings } }

    /// A copy of the counters.
    public var counters: SimCounters { self.withStore { $0.counters } }

    /// Adds or replaces a tenant (and its apps).
    public func addTenant(_ tenant: SimTenant) {
        self.withStore { store in
            if var existing = store.tenants[tenant.id] {
                existing.apps.merge(tenant.apps) { $1 }
                store.tenants[tenant.id] = existing
            } else {
                store.tenants[tenant.id] = tenant
            }
        }
    }

    /// Forgets subscriptions, content, notifications, counters and throttles; keeps tenants,
    /// apps and settings (`POST /_sim/reset`; `{"all":true}` also drops tenants and settings).
    public func reset(all: Bool) {
        self.withStore { store in
            let tenants = store.tenants
            let settings = store.settings
            store = SimStore()
            store.random = SimRandom(seed: settings.seed)
            if !all {
                store.tenants = tenants
                store.settings = settings
            }
        }
        self.clock.reset()
    }

    /// The base URL used in `contentUri` and `NextPageUri`.
    var baseURL: String { self.withStore { $0.settings.baseURL } }
}
