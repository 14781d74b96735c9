import Foundation
import HookConfig
import HookMetrics
import HookRecords
import HookSinks
import Logging
import Synchronization

/// Records and batches for sink tests.
enum TestRecords {
    static let source = BlobSource(blobId: 7, tenantId: "11111111-2222-3333-4444-555555555555",
                                   contentType: "Audit.General", contentId: "blob-7")

    /// A record whose bytes carry escapes, unicode and a nested object, so re-encoding would show.
    static func record(_ n: Int, creationTime: String? = "2015-06-29T20:03:19", padding: Int = 0) -> SplitRecord {
        let time = creationTime.map { #""CreationTime":"\#($0)","# } ?? ""
        let pad = String(repeating: "x", count: padding)
        let text = #"{\#(time)"Id":"id-\#(n)","RecordType":"28","Operation":"Op\u00e9 \"q\" \\ é","Nested":{"a":[1,2.50,{"b":null}]},"Pad":"\#(pad)"}"#
        return SplitRecord(bytes: Array(text.utf8), offset: 0, id: "id-\(n)", recordType: 28, creationTimeText: creationTime,
                           operation: "Op", workload: "Exchange", organizationId: source.tenantId, userId: nil)
    }

    static func batch(_ range: Range<Int>, source: BlobSource = TestRecords.source, padding: Int = 0) -> RecordBatch {
        RecordBatch(source: source, records: range.map { self.record($0, padding: padding) })
    }

    static let logger = Logger(label: "sink-tests", factory: { _ in SwiftLogNoOpLogHandler() })

    /// Retries fast, so tests that exercise back-off take milliseconds.
    static func fastRetry(attempts: Int = 8, budget: Duration = .seconds(30)) -> SinkRetryPolicy {
        SinkRetryPolicy(backoff: .init(base: .milliseconds(1), cap: .milliseconds(5), maxAttempts: attempts), budget: budget)
    }
}

/// A one-shot event that tasks can await (instead of sleeping).
final class Signal: Sendable {
    private let state = Mutex<(fired: Bool, waiters: [CheckedContinuation<Void, Never>])>((false, []))

    func fire() {
        let waiters = self.state.withLock { state -> [CheckedContinuation<Void, Never>] in
            state.fired = true
            defer { state.waiters = [] }
            return state.waiters
        }
        for waiter in waiters { waiter.resume() }
    }

    func wait() async {
        await withCheckedContinuation { continuation in
            let fired = self.state.withLock { state -> Bool in
                if !state.fired { state.waiters.append(continuation) }
                return state.fired
            }
            if fired { continuation.resume() }
        }
    }
}

/// A transport that records every attempt, answers from a script, and can hold its first send.
final class RecordingTransport: BatchTransport {
    struct Attempt: Sendable {
        var batches: [RecordBatch]
        var at: ContinuousClock.Instant
        var failed: Bool
    }

    let limits: BatchLimits
    let firstSendStarted = Signal()
    let releaseFirstSend = Signal()
    private let holdFirst: Bool
    private let state = Mutex<(script: [TransportError?], attempts: [Attempt], log: [String])>(([], [], []))

    init(limits: BatchLimits, script: [TransportError?] = [], holdFirst: Bool = false) {
        self.limits = limits
        self.holdFirst = holdFirst
        self.state.withLock { $0.script = script }
    }

    var attempts: [Attempt] { self.state.withLock { $0.attempts } }
    var accepted: [[RecordBatch]] { self.attempts.filter { !$0.failed }.map(\.batches) }
    var log: [String] { self.state.withLock { $0.log } }

    func send(_ batches: [RecordBatch]) async throws(TransportError) {
        let (first, outcome) = self.state.withLock { state -> (Bool, TransportError?) in
            let first = state.attempts.isEmpty
            let outcome = state.script.isEmpty ? nil : state.script.removeFirst()
            state.attempts.append(Attempt(batches: batches, at: .now, failed: outcome != nil))
            return (first, outcome)
        }
        if first, self.holdFirst {
            self.firstSendStarted.fire()
            await self.releaseFirstSend.wait()
        }
        self.state.withLock { $0.log.append("sent") }
        if let outcome { throw outcome }
    }

    func close() async { self.state.withLock { $0.log.append("closed") } }
}

extension MetricsRegistry {
    /// The value of one rendered series line such as `activityhook_sink_retries_total{sink="t"}`.
    func value(of series: String) -> Double? {
        for line in self.render().split(separator: "\n") where line.hasPrefix(series + " ") {
            return Double(line.dropFirst(series.count + 1))
        }
        return nil
    }
}
