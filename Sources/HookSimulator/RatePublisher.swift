import Foundation
import ServiceLifecycle

/// Publishes content continuously at `publishRecordsPerSecond`, spread over every enabled
/// subscription, one round per second (the demo's steady stream of activity).
final class RatePublisher: Service, Sendable {
    private let state: SimulatorState
    private let delivery: NotificationDelivery

    init(state: SimulatorState, delivery: NotificationDelivery) {
        self.state = state
        self.delivery = delivery
    }

    func run() async throws {
        try? await cancelWhenGracefulShutdown {
            var carry = 0.0
            while !Task.isCancelled {
                try await Task.sleep(for: .seconds(1))
                let (rate, keys, maxPerBlob) = self.state.withStore { store in
                    (store.settings.publishRecordsPerSecond,
                     store.subscriptions.filter { $0.value.status == .enabled }.map(\.key),
                     max(1, store.settings.maxRecordsPerBlob))
                }
                guard rate > 0, !keys.isEmpty else { continue }
                carry += rate
                let perSubscription = Int(carry) / keys.count
                guard perSubscription > 0 else { continue }
                carry -= Double(perSubscription * keys.count)
                for key in keys {
                    var remaining = perSubscription
                    while remaining > 0 {
                        let records = min(remaining, maxPerBlob)
                        remaining -= records
                        let (listings, _) = self.state.publish(PublishRequest(tenant: key.tenant, contentType: key.contentType,
                                                                              blobCount: 1, recordsPerBlob: records))
                        if !listings.isEmpty { self.delivery.enqueue(key, listings) }
                    }
                }
            }
        }
    }
}
