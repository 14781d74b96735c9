import Foundation
import HookHTTPServer
import HookLedger

extension WebhookEndpoint {
    /// Commits the valid elements (one group commit) and answers only afterwards.
    ///
    /// Chosen behaviour: 200 when at least one element was stored (rejected ones are logged and counted;
    /// the poller lists genuine ones later). 400 when no element could be stored, so a misdirected or
    /// forged request is visibly refused. 503 when the ledger failed: never 200 for something not stored.
    func store(_ notices: [BlobNotice], rejected: [String], peer: PeerAddress, started: ContinuousClock.Instant) -> HTTPHandlerResult {
        for reason in rejected {
            self.metrics.rejectedElements.increment(["reason": reason])
        }
        if !rejected.isEmpty {
            self.logger.warning("notification elements rejected", metadata: [
                "webhook.rejected": "\(rejected.count)", "webhook.reasons": "\(Set(rejected).sorted().joined(separator: ","))",
                "http.peer": "\(peer)",
            ])
        }
        guard !notices.isEmpty else {
            self.metrics.notifications.increment(["result": "rejected"])
            return .response(.error(400, code: "BadRequest", message: "no valid element: \(Set(rejected).sorted().joined(separator: ", "))"))
        }
        let ledger = self.ledger
        let metrics = self.metrics
        let logger = self.logger
        let arrived = Date()
        for notice in notices {
            metrics.observeNotificationDelay(max(0, arrived.timeIntervalSince(notice.contentCreated)),
                                             tenant: notice.tenantId, contentType: notice.contentType)
        }
        // Deferred, not async: the notices go straight into the ledger's group commit, and the commit's
        // completion answers the request. No task and no extra thread hop per notification.
        return .deferred { responder in
            ledger.record(notices, source: .webhook, at: arrived) { result in
                switch result {
                case .success(let outcome):
                    metrics.recordedNew.increment(by: Double(outcome.inserted))
                    metrics.recordedDuplicate.increment(by: Double(outcome.duplicates))
                    if outcome.refused > 0 {
                        // Over the pending cap (state.maxPendingPerContentType): refused per element; the
                        // answer stays 200, as for any other refused element beside a stored one.
                        metrics.rejectedElements.increment(["reason": "pending_cap"], by: Double(outcome.refused))
                        logger.warning("notification elements refused: pending cap reached", metadata: [
                            "webhook.refused": "\(outcome.refused)", "http.peer": "\(peer)",
                        ])
                    }
                    metrics.stored.increment()
                    metrics.storeSeconds.observe(Self.seconds(since: started))
                    responder.respond(.status(200))
                case .failure(let error):
                    metrics.notifications.increment(["result": "unavailable"])
                    logger.error("ledger could not store a notification; answering 503", metadata: ["error": "\(error)"])
                    responder.respond(.error(503, code: "ServiceUnavailable", message: "notification not stored; retry later"))
                }
            }
        }
    }

    static func seconds(since start: ContinuousClock.Instant) -> Double {
        let elapsed = ContinuousClock.now - start
        return Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
    }
}
