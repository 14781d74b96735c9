import Foundation
import HookLedger
import Logging

extension WorkerPool {
    /// What wakes the loop: a blob finished, the signal rang (or timed out), or the shutdown grace ran out.
    enum Event: Sendable {
        case finished(FinishedBlob)
        case woke
        case graceOver
    }

    /// One task group holds every blob in flight plus one waiter; no task outlives the loop.
    func loop() async {
        var nextPrune = self.clock.now()
        await withTaskGroup(of: Event.self) { group in
            var inFlight = 0
            var waiting = false
            var graceStarted = false
            var finishedSinceDrained = 0
            while true {
                let now = self.clock.now()
                self.turned.withLock { $0 = now }
                if self.stoppingFlag {
                    if inFlight > 0 && !graceStarted {
                        graceStarted = true
                        let grace = self.settings.shutdownGrace
                        group.addTask {
                            try? await self.clock.sleep(for: grace)
                            return .graceOver
                        }
                    }
                    if inFlight == 0 { break }
                } else {
                    if self.clock.now() >= nextPrune {
                        await self.prune()
                        nextPrune = self.clock.now().addingTimeInterval(self.settings.pruneInterval)
                    }
                    let started = await self.leaseAndStart(free: self.settings.concurrency - inFlight, into: &group)
                    inFlight += started
                    if started == 0 && inFlight == 0 && finishedSinceDrained > 0 {
                        // Nothing due and nothing in flight: worth one line per busy period (and a readiness
                        // signal for end-to-end tests). Blobs waiting for a retry time are not due.
                        self.logger.info("work queue drained", metadata: [
                            "blobs": "\(finishedSinceDrained)", "spoolEnd": "\(self.processor.spoolStore.end)"])
                        finishedSinceDrained = 0
                    }
                    // Keep one waiter even at capacity, so a shutdown request always wakes the loop.
                    if !waiting {
                        waiting = true
                        let signal = self.signal
                        let idle = self.settings.idleWait
                        group.addTask {
                            _ = await signal.wait(upTo: idle)
                            return .woke
                        }
                    }
                }
                guard let event = await group.next() else { break }
                switch event {
                case .finished(let outcome):
                    inFlight -= 1
                    finishedSinceDrained += 1
                    self.outcomeContinuation.yield(outcome)
                case .woke:
                    waiting = false
                case .graceOver:
                    // Whatever still runs is cancelled: it releases its lease and reports `.released`.
                    self.logger.warning("shutdown grace over; releasing the blobs still in flight", metadata: ["inFlight": "\(inFlight)"])
                    group.cancelAll()
                }
            }
            group.cancelAll()
        }
        self.outcomeContinuation.finish()
        self.pauseContinuation.finish()
        self.logger.info("workers stopped")
    }

    /// Leases up to `free` due blobs and starts one task per blob; returns how many started.
    private func leaseAndStart(free: Int, into group: inout TaskGroup<Event>) async -> Int {
        guard free > 0, self.spoolHasRoom() else { return 0 }
        let leased: [LeasedBlob]
        do {
            leased = try await self.ledger.lease(limit: free, for: self.processor.policy.leaseDuration, now: self.clock.now(),
                                                 priority: self.settings.priority)
        } catch {
            self.logger.error("cannot lease blobs; trying again shortly", metadata: ["error": "\(error)"])
            return 0
        }
        for blob in leased {
            let processor = self.processor
            group.addTask { .finished(FinishedBlob(blob: blob, outcome: await processor.process(blob))) }
        }
        return leased.count
    }

    /// False while the spool is at `spool.maxBytes`: no blob is leased then (they wait in the ledger, and
    /// Microsoft keeps their content for 7 days); nothing is ever dropped to make room. Logged once per pause.
    private func spoolHasRoom() -> Bool {
        let spool = self.processor.spoolStore
        let full = spool.isFull
        let wasPaused = self.paused.withLock { paused in
            defer { paused = full }
            return paused
        }
        if full != wasPaused { self.pauseContinuation.yield(full) }
        if full && !wasPaused {
            self.logger.error("spool is full: fetching paused until the sinks catch up; blobs wait in the ledger", metadata: [
                "spoolBytes": "\(spool.bytes)", "maxBytes": "\(spool.configuration.maxBytes)"])
        } else if !full && wasPaused {
            self.logger.info("spool has room again: fetching resumes", metadata: ["spoolBytes": "\(spool.bytes)"])
        }
        return !full
    }

    /// Deletes record claims older than the retention; failures are logged and retried at the next interval.
    func prune() async {
        let cutoff = self.clock.now().addingTimeInterval(-self.settings.claimRetention)
        do {
            let pruned = try await self.ledger.pruneRecordClaims(before: cutoff)
            if pruned > 0 { self.logger.info("pruned record claims", metadata: ["claims": "\(pruned)"]) }
        } catch {
            self.logger.warning("cannot prune record claims", metadata: ["error": "\(error)"])
        }
    }
}
