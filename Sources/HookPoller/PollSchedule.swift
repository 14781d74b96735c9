import Foundation

/// When in each interval every tenant × content type is polled: a fixed offset derived from a hash of the
/// key (deterministic jitter), so polls of many tenants spread over the interval and stay put across restarts.
public struct PollSchedule: Sendable {
    /// One poll in the cycle.
    public struct Slot: Sendable {
        /// The tenant's target.
        public let target: Poller.Target
        /// The content type.
        public let contentType: String
        /// Seconds after the cycle's start.
        public let offset: TimeInterval
    }

    /// The slots, in order of offset.
    public let slots: [Slot]
    /// The interval in seconds.
    public let intervalSeconds: TimeInterval

    /// Lays out `targets` over `interval`.
    public init(targets: [Poller.Target], interval: Duration) {
        let seconds = Double(interval.components.seconds) + Double(interval.components.attoseconds) / 1e18
        self.intervalSeconds = seconds
        self.slots = targets.flatMap { target in
            target.contentTypes.map { type in
                Slot(target: target, contentType: type,
                     offset: Self.fraction(target.lister.tenantId.lowercased() + "|" + type) * seconds)
            }
        }.sorted { $0.offset < $1.offset }
    }

    /// A stable fraction in [0, 1) for `key` (FNV-1a: Swift's `Hasher` is seeded per process).
    public static func fraction(_ key: String) -> Double {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in key.utf8 {
            hash ^= UInt64(byte)
            hash = hash &* 0x100_0000_01b3
        }
        return Double(hash % 1_000_000) / 1_000_000
    }
}
