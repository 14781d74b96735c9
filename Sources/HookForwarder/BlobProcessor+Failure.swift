import Foundation
import HookLedger
import HookManagementAPI
import HookRecords
import Logging

/// Why an attempt at a blob did not finish it.
enum BlobFailure: Sendable {
    /// The GET failed; `permanent` for AF20050/51/52 (the content will never be served); `clientError` for a
    /// 4xx that retrying cannot cure (not 401, 403, 408 or 429), which is permanent after a few attempts.
    case fetch(String, retryAfter: Duration?, permanent: Bool, clientError: Bool)
    /// The body is not a valid record array.
    case parse(String)

    /// The content errors that make a blob dead at once (docs/management-api-notes.md).
    static let permanentCodes: Set<String> = ["AF20050", "AF20051", "AF20052"]

    /// Classifies an error thrown while fetching and splitting; rethrows lease and ledger failures, which
    /// no retry time can be recorded for.
    init(classifying error: any Error) throws {
        switch error {
        case is LeaseLost, is LedgerFailure, is CancellationError:
            throw error
        case let split as RecordSplitError:
            self = .parse(split.description)
        case let api as ManagementAPIError:
            let permanent = api.code.map { Self.permanentCodes.contains($0.uppercased()) } ?? false
            // 403 is left out: it means a permission or consent problem of the whole tenant (AF10001), which an
            // administrator fixes; its blobs must still be fetched then, not be dead.
            let clientError = (400..<500).contains(api.status) && api.status != 403
                && (api.errorClass == .fatal || api.errorClass == .skip)
            self = .fetch(api.description, retryAfter: api.retryAfter, permanent: permanent, clientError: clientError)
        default:
            self = .fetch("\(error)", retryAfter: nil, permanent: false, clientError: false)
        }
    }
}

/// A ledger call inside the delivery failed; the attempt is abandoned and the lease left to expire.
struct LedgerFailure: Error, CustomStringConvertible {
    var description: String
}

extension BlobProcessor {
    /// Records a failed attempt: dead for a permanent reason, otherwise a retry with back-off.
    func handle(_ failure: BlobFailure, _ blob: LeasedBlob, labels: [String: String], logger: Logger) async throws -> BlobOutcome {
        switch failure {
        case .fetch(let message, _, true, _):
            return try await self.kill(blob, reason: message, labels: labels, logger: logger)
        case .fetch(let message, _, false, true) where blob.attempt >= self.policy.maxClientErrorAttempts:
            // A forged notice's URI (or a blob the API refuses us) would otherwise be retried until it expires.
            return try await self.kill(blob, reason: "refused \(blob.attempt) times: \(message)", labels: labels, logger: logger)
        case .fetch(let message, let retryAfter, false, _):
            return try await self.retry(blob, reason: "fetch: \(message)", kind: "fetch", retryAfter: retryAfter, urgent: false,
                                        labels: labels, logger: logger)
        case .parse(let message):
            let failures = try await self.ledger.recordParseFailure(blob)
            if failures >= self.policy.maxParseFailures {
                return try await self.kill(blob, reason: "unparseable after \(failures) attempts: \(message)", labels: labels, logger: logger)
            }
            return try await self.retry(blob, reason: "parse: \(message)", kind: "parse", retryAfter: nil, urgent: false,
                                        labels: labels, logger: logger)
        }
    }

    private func kill(_ blob: LeasedBlob, reason: String, labels: [String: String], logger: Logger) async throws -> BlobOutcome {
        guard try await self.ledger.kill(blob, reason: reason) else { return .abandoned(reason: "lease lost before kill") }
        self.metrics.dead.increment(labels)
        logger.error("blob is dead; `activityhook replay --dead` re-queues it", metadata: ["reason": "\(reason)"])
        return .dead(reason: reason)
    }

    private func retry(_ blob: LeasedBlob, reason: String, kind: String, retryAfter: Duration?, urgent: Bool,
                       labels: [String: String], logger: Logger) async throws -> BlobOutcome {
        let delay = self.policy.retryDelay(attempt: blob.attempt, serverRequested: retryAfter)
        let retryAt = self.clock.now().addingTimeInterval(ForwardingPolicy.seconds(delay))
        guard try await self.ledger.fail(blob, error: reason, retryAt: retryAt) else { return .abandoned(reason: "lease lost before retry") }
        self.metrics.failed.increment(labels.merging(["reason": kind]) { $1 })
        let metadata: Logger.Metadata = ["reason": "\(reason)", "retryAt": "\(retryAt.ISO8601Format())"]
        // A blob that keeps failing (or a sink that refuses us) needs an operator; a first hiccup does not.
        if urgent || blob.attempt >= self.policy.errorAfterAttempts {
            logger.error("blob attempt failed again; it stays pending until its content expires", metadata: metadata)
        } else {
            logger.warning("blob attempt failed; retrying", metadata: metadata)
        }
        return .retry(at: retryAt, reason: reason)
    }
}
