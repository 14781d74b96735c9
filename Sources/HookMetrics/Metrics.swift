/// A monotonically increasing total.
public struct Counter: Sendable {
    let registry: MetricsRegistry
    let name: String

    /// Adds `amount` (default 1) to the series with `labels`.
    public func increment(_ labels: [String: String] = [:], by amount: Double = 1) {
        self.registry.update(self.name, labels) { series, _ in series.value += amount }
    }

    /// The series with `labels`, bound once for hot paths (no label hashing per update).
    public func bind(_ labels: [String: String] = [:]) -> BoundCounter { BoundCounter(box: self.registry.box(self.name, labels)) }
}

/// One series of a counter, updated without looking it up.
public struct BoundCounter: Sendable {
    let box: MetricsRegistry.SeriesBox?
    public func increment(by amount: Double = 1) { self.box?.update { series, _ in series.value += amount } }
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
        self.registry.update(self.name, labels) { series, buckets in Self.add(value, &series, buckets) }
    }

    /// The series with `labels`, bound once for hot paths.
    public func bind(_ labels: [String: String] = [:]) -> BoundHistogram { BoundHistogram(box: self.registry.box(self.name, labels)) }

    static func add(_ value: Double, _ series: inout MetricsRegistry.Series, _ buckets: [Double]) {
        if let index = buckets.firstIndex(where: { value <= $0 }) { series.bucketCounts[index] += 1 }
        series.count += 1
        series.sum += value
    }
}

/// One series of a histogram, updated without looking it up.
public struct BoundHistogram: Sendable {
    let box: MetricsRegistry.SeriesBox?
    public func observe(_ value: Double) { self.box?.update { series, buckets in Histogram.add(value, &series, buckets) } }
}
