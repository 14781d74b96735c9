import Logging

/// Building a request from the queue, sending it with retries, and settling its deliveries.
extension BatchingCore {
    /// Takes records from the head of the queue up to the limits. A piece that does not fit is cut: the
    /// part that fits goes now, the rest stays first in line. The first record always goes, even alone
    /// over `maxBytes`, because a record is never split.
    func takeRequest() -> [Piece] {
        var request: [Piece] = []
        var records = 0
        var bytes = 0
        while self.head < self.queue.count, records < self.limits.maxRecords {
            let piece = self.queue[self.head]
            var count = 0
            var taken = 0
            for record in piece.batch.records {
                let size = record.bytes.count
                let first = records == 0 && count == 0
                guard records + count < self.limits.maxRecords, first || bytes + taken + size <= self.limits.maxBytes else { break }
                count += 1
                taken += size
            }
            if count == 0 { break }
            if count == piece.batch.records.count {
                request.append(piece)
                self.head += 1
            } else {
                let records = piece.batch.records
                request.append(Piece(delivery: piece.delivery,
                                     batch: RecordBatch(source: piece.batch.source, records: Array(records[..<count])), bytes: taken))
                self.queue[self.head] = Piece(delivery: piece.delivery,
                                              batch: RecordBatch(source: piece.batch.source, records: Array(records[count...])),
                                              bytes: piece.bytes - taken)
                self.deliveries[piece.delivery]?.outstanding += 1
            }
            records += count
            bytes += taken
        }
        self.queuedRecords -= records
        self.queuedBytes -= bytes
        self.compactQueue()
        if !request.isEmpty { self.resumeSpaceWaiters() }
        return request
    }

    private func compactQueue() {
        if self.head == self.queue.count {
            self.queue.removeAll(keepingCapacity: true)
            self.head = 0
        } else if self.head > 64, self.head * 2 > self.queue.count {
            self.queue.removeFirst(self.head)
            self.head = 0
        }
    }

    /// Settles every piece of a finished request. A failure also withdraws the failed deliveries' pieces
    /// that are still queued: sending them cannot make those deliveries succeed any more.
    func finish(_ request: [Piece], _ outcome: Result<Void, SinkError>) {
        for piece in request {
            guard var delivery = self.deliveries[piece.delivery] else { continue }
            delivery.outstanding -= 1
            if case .failure(let error) = outcome {
                // A permanent cause outranks a transient one: the operator must act.
                if delivery.failure == nil || error.kind == .permanent { delivery.failure = error }
                delivery.outstanding -= self.withdrawQueued(of: piece.delivery)
            }
            if delivery.outstanding == 0, let waiter = delivery.waiter {
                delivery.waiter = nil
                waiter.resume()
            }
            self.deliveries[piece.delivery] = delivery
        }
    }

    /// Removes a delivery's queued pieces; returns how many.
    private func withdrawQueued(of delivery: Int) -> Int {
        var removed = 0
        var kept: [Piece] = []
        for piece in self.queue[self.head...] {
            if piece.delivery == delivery {
                removed += 1
                self.queuedBytes -= piece.bytes
                self.queuedRecords -= piece.batch.records.count
            } else {
                kept.append(piece)
            }
        }
        guard removed > 0 else { return 0 }
        self.queue = kept
        self.head = 0
        self.resumeSpaceWaiters()
        return removed
    }

    /// Sends one request, retrying retryable failures within the budget. While the sink drains no new
    /// retry wait starts, so shutdown is not held up by a destination that is down.
    func send(_ request: [Piece]) async -> Result<Void, SinkError> {
        let batches = request.map(\.batch)
        let records = request.reduce(0) { $0 + $1.batch.records.count }
        let bytes = request.reduce(0) { $0 + $1.bytes }
        let clock = ContinuousClock()
        let started = clock.now
        let retry = self.configuration.retry
        var attempt = 1
        while true {
            let attemptStarted = clock.now
            do {
                try await self.transport.send(batches)
                self.metrics.attempted(clock.now - attemptStarted)
                self.metrics.accepted(records: records, bytes: bytes)
                return .success(())
            } catch {
                self.metrics.attempted(clock.now - attemptStarted)
                switch error {
                case .permanent(let message):
                    return .failure(self.giveUp(.permanent, message, records: records, retryAfter: nil))
                case .retryable(let message, let retryAfter):
                    let delay = retry.backoff.delay(attempt: attempt, serverRequested: retryAfter)
                    // A server asking for longer than the budget left is not waited for here: the records go
                    // back with its wait, which the forwarder clamps again (docs/remote-input.md).
                    let exhausted = attempt >= retry.backoff.maxAttempts || (clock.now - started) + delay > retry.budget
                    if exhausted || self.state != .running || Task.isCancelled {
                        let why = exhausted ? "gave up after \(attempt) attempt(s)" : "not retried: the sink is shutting down"
                        return .failure(self.giveUp(.transient, "\(message) (\(why))", records: records, retryAfter: retryAfter))
                    }
                    self.metrics.retried()
                    self.logger.debug("sink request failed, retrying", metadata: [
                        "error": "\(message)", "attempt": "\(attempt)", "delay": "\(delay)",
                    ])
                    try? await Task.sleep(for: delay)
                    attempt += 1
                }
            }
        }
    }

    private func giveUp(_ kind: SinkError.Kind, _ message: String, records: Int, retryAfter: Duration?) -> SinkError {
        self.metrics.failed(kind)
        self.logger.info("sink request failed", metadata: [
            "error": "\(message)", "kind": "\(kind.rawValue)", "records": "\(records)",
        ])
        return SinkError(sink: self.name, kind: kind, message: message, retryAfter: retryAfter)
    }
}
