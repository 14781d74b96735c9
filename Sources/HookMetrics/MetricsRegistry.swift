import Foundation
import Synchronization

/// A small Prometheus registry: counters, gauges and histograms with labels, rendered in the text
/// exposition format (version 0.0.4). Thread-safe; metric names are fixed at registration.
///
/// Each series is a box with its own lock, so hot paths can bind a series once (`Counter.bind`) and
/// update it without hashing labels or taking the registry lock.
public final class MetricsRegistry: Sendable {
    private let families = Mutex<[String: Family]>([:])
    private let order = Mutex<[String]>([])

    public init() {}

    struct Family: Sendable {
        var help: String
        var type: String
        var buckets: [Double]
        var series: [[String: String]: SeriesBox] = [:]
    }

    struct Series: Sendable {
        var value: Double = 0
        var bucketCounts: [Int] = []
        var count = 0
        var sum: Double = 0
    }

    /// One labelled series; updated under its own lock.
    final class SeriesBox: Sendable {
        let buckets: [Double]
        let state: Mutex<Series>
        init(buckets: [Double]) {
            self.buckets = buckets
            self.state = Mutex(Series(bucketCounts: Array(repeating: 0, count: buckets.count)))
        }
        func update(_ change: (inout Series, [Double]) -> Void) { self.state.withLock { change(&$0, self.buckets) } }
    }

    private func register(_ name: String, help: String, type: String, buckets: [Double] = []) {
        let added = self.families.withLock { families -> Bool in
            guard families[name] == nil else { return false }
            families[name] = Family(help: help, type: type, buckets: buckets)
            return true
        }
        if added { self.order.withLock { $0.append(name) } }
    }

    /// Declares a counter (monotonic total).
    public func counter(_ name: String, help: String) -> Counter {
        self.register(name, help: help, type: "counter")
        return Counter(registry: self, name: name)
    }

    /// Declares a gauge (a value that goes up and down, or is set at scrape time).
    public func gauge(_ name: String, help: String) -> Gauge {
        self.register(name, help: help, type: "gauge")
        return Gauge(registry: self, name: name)
    }

    /// Declares a histogram with the given upper bounds (seconds, bytes, …).
    public func histogram(_ name: String, help: String, buckets: [Double]) -> Histogram {
        self.register(name, help: help, type: "histogram", buckets: buckets.sorted())
        return Histogram(registry: self, name: name)
    }

    /// The series of `name` with `labels`, created on first use.
    func box(_ name: String, _ labels: [String: String]) -> SeriesBox? {
        self.families.withLock { families in
            guard let family = families[name] else { return nil }
            if let box = family.series[labels] { return box }
            let box = SeriesBox(buckets: family.buckets)
            families[name]!.series[labels] = box
            return box
        }
    }

    func update(_ name: String, _ labels: [String: String], _ change: (inout Series, [Double]) -> Void) {
        self.box(name, labels)?.update(change)
    }

    /// Removes every series of a gauge (before re-setting it from a fresh snapshot).
    func clear(_ name: String) {
        self.families.withLock { $0[name]?.series = [:] }
    }

    /// The whole registry in Prometheus text format.
    public func render() -> String {
        let names = self.order.withLock { $0 }
        let families = self.families.withLock { $0 }
        var out = ""
        for name in names {
            guard let family = families[name] else { continue }
            out += "# HELP \(name) \(family.help)\n# TYPE \(name) \(family.type)\n"
            for labels in family.series.keys.sorted(by: { Self.labelText($0) < Self.labelText($1) }) {
                let series = family.series[labels]!.state.withLock { $0 }
                if family.type == "histogram" {
                    var cumulative = 0
                    for (bound, count) in zip(family.buckets, series.bucketCounts) {
                        cumulative += count
                        out += "\(name)_bucket\(Self.labelText(labels, extra: ("le", Self.number(bound)))) \(cumulative)\n"
                    }
                    out += "\(name)_bucket\(Self.labelText(labels, extra: ("le", "+Inf"))) \(series.count)\n"
                    out += "\(name)_sum\(Self.labelText(labels)) \(Self.number(series.sum))\n"
                    out += "\(name)_count\(Self.labelText(labels)) \(series.count)\n"
                } else {
                    out += "\(name)\(Self.labelText(labels)) \(Self.number(series.value))\n"
                }
            }
        }
        return out
    }

    static func labelText(_ labels: [String: String], extra: (String, String)? = nil) -> String {
        var pairs = labels.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        if let extra { pairs.append(extra) }
        guard !pairs.isEmpty else { return "" }
        let body = pairs.map { key, value in
            let escaped = value.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
                .replacingOccurrences(of: "\n", with: "\\n")
            return "\(key)=\"\(escaped)\""
        }
        return "{" + body.joined(separator: ",") + "}"
    }

    static func number(_ value: Double) -> String {
        if value == value.rounded(), abs(value) < 1e15 { return String(Int64(value)) }
        return String(value)
    }
}
