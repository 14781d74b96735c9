import Foundation
import HookConfig
import HookLedger
import HookRecords
import HookRetry
import HookSinks
import HookSpool
import Logging

extension SinkDeliveryLoop {
    /// Hands the entries the sink's filter accepts to the sink until the destination accepted all of them;
    /// false when the loop stopped first (the cursor then stays: the entries are read again at start).
    func deliverUntilAccepted(_ entries: [SpoolEntry]) async -> Bool {
        let batches = Self.batches(entries, filter: self.sink.filter)
        var pending = Array(batches.indices)  // a retry sends only the batches the destination has not accepted
        var attempt = 0
        while true {
            do {
                pending = await self.deliver(batches, pending)
                if let failure = pending.isEmpty ? nil : self.lastFailure.withLock({ $0 }) { throw failure }
                if attempt > 0 { await self.setState(.delivering, nil) }
                let now = Date()
                let labels = ["sink": self.sink.name]
                let count = batches.reduce(0) { $0 + $1.records.count }
                self.metrics.records.increment(labels, by: Double(count))
                let lag = self.metrics.lag.bind(labels)
                for batch in batches {
                    for record in batch.records { if let created = record.creationTime { lag.observe(max(0, now.timeIntervalSince(created))) } }
                }
                return true
            } catch {
                attempt += 1
                let failure = error as? SinkError
                let permanent = failure?.kind == .permanent
                let message = failure?.message ?? "\(error)"
                await self.setState(permanent ? .permanent : .retrying, message)
                let wait = permanent ? self.settings.permanentRetry : self.backoff(attempt: attempt, serverRequested: failure?.retryAfter)
                let metadata: Logger.Metadata = ["error": "\(message)", "attempt": "\(attempt)", "retryIn": "\(wait)"]
                if permanent {
                    self.logger.error("sink refuses the records; they wait in the spool and the loop keeps retrying", metadata: metadata)
                } else if attempt == 1 || attempt % 10 == 0 {
                    self.logger.warning("sink delivery failed; retrying, the records wait in the spool", metadata: metadata)
                }
                _ = await self.pause(wait)
                if self.isStopping { return false }
            }
        }
    }

    /// The retryable wait: random up to a doubling ceiling from `retryBase` to `retryCap`; a server's
    /// `Retry-After` is honoured up to 15 minutes (HookRetry clamps and saturates every peer's number).
    func backoff(attempt: Int, serverRequested: Duration?) -> Duration {
        Backoff(base: self.settings.retryBase, cap: self.settings.retryCap, maxAttempts: Int.max)
            .delay(attempt: attempt, serverRequested: serverRequested)
    }

    /// Delivers the batches at `indices` concurrently, so the sink's batching can coalesce them into few
    /// requests; returns the indices that failed (the last failure is kept in `lastFailure`).
    private func deliver(_ batches: [RecordBatch], _ indices: [Int]) async -> [Int] {
        let sink = self.sink
        let failed = await withTaskGroup(of: (Int, (any Error)?).self) { group in
            for index in indices {
                group.addTask {
                    do {
                        try await sink.deliver(batches[index])
                        return (index, nil)
                    } catch {
                        return (index, error)
                    }
                }
            }
            var failed: [(Int, any Error)] = []
            for await (index, error) in group { if let error { failed.append((index, error)) } }
            return failed
        }
        if let last = failed.last { self.lastFailure.withLock { $0 = last.1 } }
        return failed.map(\.0).sorted()
    }

    /// Consecutive entries of one blob that the filter accepts, as the sinks' batches.
    public static func batches(_ entries: [SpoolEntry], filter: SinkFilter) -> [RecordBatch] {
        var batches: [RecordBatch] = []
        for entry in entries {
            let contentType = ContentType(caseInsensitive: entry.origin.contentType)
            guard BlobProcessor.accepts(filter, entry.record, tenantId: entry.origin.tenantId, contentType: contentType) else { continue }
            if let last = batches.indices.last, batches[last].source == entry.origin {
                batches[last].records.append(entry.record)
            } else {
                batches.append(RecordBatch(source: entry.origin, records: [entry.record]))
            }
        }
        return batches
    }

    /// Moves the durable cursor, then lets the spool delete what every sink has passed. A ledger failure is
    /// retried; until it succeeds the records may be sent again after a restart (a duplicate, never a loss).
    func advance(to next: UInt64) async {
        var attempt = 0
        while true {
            do {
                let done = try await self.ledger.advanceCursor(sink: self.sink.name, to: next, sinks: self.board.sinks, now: Date())
                if done > 0 { self.metrics.forwarded.increment(by: Double(done)) }
                if let lowest = self.board.advance(self.sink.name, to: next) {
                    try await self.spool.release(below: lowest)
                }
                return
            } catch {
                attempt += 1
                self.logger.error("cannot record the sink's progress in the ledger; retrying", metadata: ["error": "\(error)"])
                _ = await self.pause(.seconds(min(30, attempt)))
                if self.isStopping { return }
            }
        }
    }

    /// Records the sink's state in the ledger (for `status`) and on the board (for `/metrics`).
    func setState(_ state: SinkDeliveryState, _ message: String?) async {
        guard self.board.setState(self.sink.name, state, message) else { return }
        do {
            try await self.ledger.setSinkState(sink: self.sink.name, state: state, message: message, now: Date())
        } catch {
            self.logger.warning("cannot record the sink's state in the ledger", metadata: ["error": "\(error)"])
        }
    }
}
