import Foundation
import HookCrypto
import HookHTTPServer
import HookLedger
import Logging

/// The public listener: the webhook path, plus `/healthz` and `/metrics` unless they moved to the admin
/// listener; 404 for anything else.
///
/// Validation handshakes get 200 at once. A notification gets 200 only after its valid elements are
/// committed to the ledger; 503 if the ledger cannot commit, so that Microsoft retries.
public struct WebhookEndpoint: HTTPHandler {
    public struct Settings: Sendable {
        public var path: String
        /// Expected `Webhook-AuthID`; empty disables the check.
        public var authId: String
        public var maxBodyBytes: Int

        public init(path: String, authId: String, maxBodyBytes: Int) {
            self.path = path
            self.authId = authId
            self.maxBodyBytes = maxBodyBytes
        }
    }

    let settings: Settings
    let ledger: any Ledger
    let validator: NotificationValidator
    let metrics: ReceiverMetrics
    let health: HealthEndpoint?
    let metricsEndpoint: MetricsEndpoint?
    let logger: Logger

    init(settings: Settings, ledger: any Ledger, validator: NotificationValidator, metrics: ReceiverMetrics,
         health: HealthEndpoint?, metricsEndpoint: MetricsEndpoint?, logger: Logger) {
        self.settings = settings
        self.ledger = ledger
        self.validator = validator
        self.metrics = metrics
        self.health = health
        self.metricsEndpoint = metricsEndpoint
        self.logger = logger
    }

    public func head(_ head: HTTPRequestHead) -> HTTPHeadDecision {
        if let decision = self.health?.answer(head) ?? self.metricsEndpoint?.answer(head) { return decision }
        guard head.path == self.settings.path else { return .respond(.error(404, code: "NotFound", message: "no such path")) }
        guard head.method == "POST" else {
            var response = HTTPResponse.error(405, code: "MethodNotAllowed", message: "the webhook accepts POST only")
            response.headers.add("Allow", "POST")
            return .respond(response)
        }
        guard self.authorized(head) else {
            self.metrics.notifications.increment(["result": "unauthorized"])
            self.logger.warning("webhook request with a wrong or missing Webhook-AuthID", metadata: ["http.peer": "\(head.peer)"])
            return .respond(.error(401, code: "Unauthorized", message: "Webhook-AuthID is missing or wrong"))
        }
        guard Self.isJSONMediaType(head.headers["Content-Type"]) else {
            return .respond(.error(415, code: "UnsupportedMediaType", message: "expected application/json"))
        }
        return .readBody(maxBodyBytes: self.settings.maxBodyBytes)
    }

    public func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        if request.path == "/healthz", let health = self.health { return health.handle() }
        if request.path == "/metrics", let metrics = self.metricsEndpoint { return metrics.handle() }
        let started = ContinuousClock.now
        switch NotificationBody.read(request.body, validator: self.validator) {
        case .validation(let code, let tenantId, let clientId):
            if request.headers["Webhook-ValidationCode"] == nil {
                self.logger.notice("validation request without a Webhook-ValidationCode header")
            }
            self.metrics.validations.increment(["result": "ok"])
            self.logger.info("webhook validation handshake", metadata: [
                "webhook.tenantId": "\(tenantId ?? "-")", "webhook.clientId": "\(clientId ?? "-")",
            ])
            return .response(.json(200, #"{"validationCode":"\#(jsonEscaped(code))"}"#))
        case .notices(let notices, let rejected):
            return self.store(notices, rejected: rejected, peer: request.head.peer, started: started)
        case .malformed(let reason):
            self.metrics.notifications.increment(["result": "malformed"])
            return .response(.error(400, code: "BadRequest", message: reason))
        }
    }

    /// Microsoft's sample sends `Content-Type: application/json; utf-8`, so any JSON media type with any
    /// parameters is accepted, and so is a missing header.
    static func isJSONMediaType(_ value: String?) -> Bool {
        guard let value else { return true }
        // Byte-level: this runs for every request, and Foundation's trimming/lowercasing costs ~5% of intake CPU.
        var media = value.utf8.prefix { $0 != UInt8(ascii: ";") }[...]
        while let first = media.first, first == 0x20 || first == 0x09 { media = media.dropFirst() }
        while let last = media.last, last == 0x20 || last == 0x09 { media = media.dropLast() }
        let lowered = media.map { $0 >= 0x41 && $0 <= 0x5A ? $0 | 0x20 : $0 }
        return lowered.isEmpty || lowered.elementsEqual("application/json".utf8) || lowered.elementsEqual("text/json".utf8)
            || lowered.reversed().starts(with: "nosj+".utf8)
    }

    /// Constant-time comparison of `Webhook-AuthID` (header names are case-insensitive).
    private func authorized(_ head: HTTPRequestHead) -> Bool {
        guard !self.settings.authId.isEmpty else { return true }
        guard let presented = head.headers["Webhook-AuthID"] else { return false }
        return ConstantTime.equals(presented, self.settings.authId)
    }
}
