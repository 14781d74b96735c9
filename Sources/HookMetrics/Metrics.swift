/// A monotonically increasing total.
public struct Counter: Sendable {
    let registry: MetricsRegistry
    let name: String

    /// Adds `amount` (default 1) to the series with `labels`.
    public func increment(_ labels: [String: String] = [:], by amount: Double = 1) {
        self.registry.update(self.name, labels) { series, _ in series.value += amount }
    }
}

/// A value that is set, typically from a snapshot taken at scrape time.
public struct Gauge: Sendable {
    let registry: MetricsRegistry
    let name: String

    public func set(_ value: Double, _ labels: [String: String] = [:]) {
        self.registry.update(self.name, labels) { series, _ in series.value = value }
    }

    /// Drops every series, so labels that disappeared from a snapshot do not linger.
    public func reset() { self.registry.clear(self.name) }
}

/// Observations counted into cumulative buckets.
public struct Histogram: Sendable {
    let registry: MetricsRegistry
    let name: String

    public func observe(_ value: Double, _ labels: [String: String] = [:]) {
        self.registry.update(self.name, labels) { series, buckets in
            if let index = buckets.firstIndex(where: { value <= $0 }) { series.bucketCounts[index] += 1 }
            series.count += 1
            series.sum += value
        }
    }
}
