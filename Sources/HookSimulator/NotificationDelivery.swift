import Foundation
import HookHTTPClient
import Logging
import ServiceLifecycle
import Synchronization

/// Pushes notifications to registered webhooks (§5): JSON arrays of 1 ... N blobs with
/// `Webhook-AuthID`; only 200 counts. Failures are retried with exponential back-off, and the
/// webhook is `disabled` after `disableAfterFailures` consecutive failures; after its expiration
/// it becomes `expired`. Knobs add duplicates, reordering, delay and blobs never notified.
///
/// Pending deliveries sit in a bounded queue; the run loop sends those that are due.
public final class NotificationDelivery: Service, Sendable {
    struct Job: Sendable {
        var key: SubscriptionKey
        var address: String
        var authId: String?
        var clientId: String
        var blobs: [BlobListing]
        var attempt: Int
        var due: ContinuousClock.Instant
    }

    private let state: SimulatorState
    private let client: HTTPClient
    private let logger: Logger
    private let queue = Mutex<[Job]>([])
    /// Sends in flight at most; more wait in the queue.
    private let maxInFlight = 16
    private let inFlight = Atomic<Int>(0)

    init(state: SimulatorState, client: HTTPClient, logger: Logger) {
        self.state = state
        self.client = client
        self.logger = logger
    }

    /// Queues notifications for freshly published blobs of one subscription.
    func enqueue(_ key: SubscriptionKey, _ blobs: [BlobListing]) {
        let plan = self.state.withStore { store -> (Subscription, Webhook, SimulatorSettings, [[BlobListing]], [Double])? in
            guard let subscription = store.subscriptions[key], subscription.status == .enabled,
                  let webhook = subscription.webhook, webhook.status == .enabled else { return nil }
            let settings = store.settings
            var batches: [[BlobListing]] = []
            var pending = blobs.filter { _ in
                if store.random.chance(settings.neverNotifyRate) { store.counters.notificationsNeverSent += 1; return false }
                return true
            }
            while !pending.isEmpty {
                let size = store.random.int(1...min(settings.maxBlobsPerNotification, pending.count))
                batches.append(Array(pending.prefix(size)))
                pending.removeFirst(size)
            }
            if batches.count > 1 && store.random.chance(settings.reorderRate) { batches.shuffle(using: &store.random) }
            var extra: [[BlobListing]] = []
            for batch in batches where store.random.chance(settings.duplicateNotificationRate) { extra.append(batch) }
            batches += extra
            // Reordering also shows across batches: each gets a small random extra delay.
            let delays = batches.map { _ in
                settings.deliveryDelaySeconds + (settings.reorderRate > 0 ? Double(store.random.int(0...50)) / 1000 : 0)
            }
            return (subscription, webhook, settings, batches, delays)
        }
        guard let (subscription, webhook, settings, batches, delays) = plan else { return }
        let now = ContinuousClock.now
        self.queue.withLock { queue in
            for (batch, delay) in zip(batches, delays) {
                guard queue.count < settings.deliveryQueueCapacity else {
                    self.state.withStore { $0.counters.notificationsDropped += 1 }
                    continue
                }
                queue.append(Job(key: key, address: webhook.address, authId: webhook.authId, clientId: subscription.clientId,
                                 blobs: batch, attempt: 0, due: now + .milliseconds(Int(delay * 1000))))
                self.state.withStore { $0.counters.notificationsQueued += 1 }
            }
        }
    }

    /// Jobs waiting, for `/_sim/counters`.
    var pendingCount: Int { self.queue.withLock { $0.count } }

    /// Drops every queued job (`/_sim/reset`).
    func clear() { self.queue.withLock { $0.removeAll() } }

    /// Sends due notifications until cancelled or shut down gracefully.
    public func run() async throws {
        try? await cancelWhenGracefulShutdown {
            try await withThrowingDiscardingTaskGroup { group in
                while !Task.isCancelled {
                    let now = ContinuousClock.now
                    let room = self.maxInFlight - self.inFlight.load(ordering: .relaxed)
                    let due = self.queue.withLock { queue -> [Job] in
                        guard room > 0 else { return [] }
                        var taken: [Job] = []
                        queue.removeAll { job in
                            guard taken.count < room, job.due <= now else { return false }
                            taken.append(job)
                            return true
                        }
                        return taken
                    }
                    for job in due {
                        self.inFlight.add(1, ordering: .relaxed)
                        group.addTask {
                            await self.send(job)
                            self.inFlight.subtract(1, ordering: .relaxed)
                        }
                    }
                    // A scheduler tick, not synchronisation: due times are checked every 5 ms.
                    try await Task.sleep(for: .milliseconds(5))
                }
            }
        }
    }

    private func send(_ job: Job) async {
        let simNow = self.state.clock.now
        // Re-check the subscription: it may have been stopped, changed, disabled or expired meanwhile.
        let proceed = self.state.withStore { store -> Bool in
            guard var subscription = store.subscriptions[job.key], subscription.status == .enabled,
                  var webhook = subscription.webhook, webhook.status == .enabled, webhook.address == job.address
            else { return false }
            if let expiration = webhook.expiration, expiration <= simNow {
                webhook.status = .expired
                subscription.webhook = webhook
                store.subscriptions[job.key] = subscription
                return false
            }
            return true
        }
        guard proceed else { return }
        let base = self.state.baseURL
        let body = JSONOutput.array(job.blobs.map { blob in
            .object([("tenantId", .string(blob.tenant)), ("clientId", .string(job.clientId))] + blob.fields(base: base))
        }).bytes
        var headers: HTTPHeaders = ["Content-Type": "application/json; utf-8"]
        if let authId = job.authId { headers.add("Webhook-AuthID", authId) }
        let timeout = self.state.settings.deliveryTimeoutSeconds
        var status = 0
        do {
            let response = try await self.client.execute(
                HTTPClientRequest(method: "POST", url: job.address, headers: headers, body: body, timeout: .milliseconds(Int(timeout * 1000))),
                maxBodyBytes: 1 << 20)
            status = response.status
        } catch {
            self.logger.debug("notification failed", metadata: ["sim.webhook": "\(job.address)", "error": "\(error)"])
        }
        self.record(job, success: status == 200, at: self.state.clock.now)
    }

    /// Books the outcome: history, counters, failure streak, disabling, and the retry.
    private func record(_ job: Job, success: Bool, at now: Date) {
        let retry = self.state.withStore { store -> Duration? in
            let settings = store.settings
            for blob in job.blobs {
                store.notifications[job.key, default: []].append(NotificationEntry(
                    contentId: blob.contentId, created: blob.created, expiration: blob.expiration, sent: now, success: success))
            }
            if success {
                store.counters.notificationsSent[job.address, default: 0] += 1
            } else {
                store.counters.notificationsFailed[job.address, default: 0] += 1
            }
            guard var subscription = store.subscriptions[job.key], var webhook = subscription.webhook,
                  webhook.address == job.address else { return nil }
            if success {
                webhook.consecutiveFailures = 0
            } else {
                webhook.consecutiveFailures += 1
                if webhook.consecutiveFailures >= settings.disableAfterFailures { webhook.status = .disabled }
            }
            subscription.webhook = webhook
            store.subscriptions[job.key] = subscription
            guard !success, webhook.status == .enabled else { return nil }
            let seconds = min(settings.retryMaxSeconds, settings.retryBaseSeconds * pow(2, Double(min(job.attempt, 30))))
            return .milliseconds(Int(seconds * 1000))
        }
        guard let retry else { return }
        var next = job
        next.attempt += 1
        next.due = ContinuousClock.now + retry
        self.queue.withLock { $0.append(next) }
    }
}
