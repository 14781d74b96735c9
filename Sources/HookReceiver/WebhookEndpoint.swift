import HookCrypto
import HookHTTPServer
import Logging

/// Routes requests of the public listener: the webhook path, `/healthz`, and 404 for anything else.
///
/// The handshake answers 200 at once. Notifications are stored durably before the 200 by the
/// ledger (issue #4); until it lands they are answered 503 so that Microsoft retries them.
public struct WebhookEndpoint: HTTPHandler {
    public struct Settings: Sendable {
        public var path: String
        /// Expected `Webhook-AuthID`; empty disables the check.
        public var authId: String
        public var maxBodyBytes: Int
        /// Serve `/healthz` on this listener (false when it moved to the admin listener).
        public var serveHealth: Bool

        public init(path: String, authId: String, maxBodyBytes: Int, serveHealth: Bool) {
            self.path = path
            self.authId = authId
            self.maxBodyBytes = maxBodyBytes
            self.serveHealth = serveHealth
        }
    }

    let settings: Settings
    let health: HealthEndpoint
    let logger: Logger

    public init(settings: Settings, health: HealthEndpoint, logger: Logger) {
        self.settings = settings
        self.health = health
        self.logger = logger
    }

    public func head(_ head: HTTPRequestHead) -> HTTPHeadDecision {
        if self.settings.serveHealth, let response = self.health.answer(head) { return .respond(response) }
        guard head.path == self.settings.path else { return .respond(.error(404, code: "NotFound", message: "no such path")) }
        guard head.method == "POST" else {
            var response = HTTPResponse.error(405, code: "MethodNotAllowed", message: "the webhook accepts POST only")
            response.headers.add("Allow", "POST")
            return .respond(response)
        }
        guard self.authorized(head) else {
            self.logger.warning("webhook request with a wrong or missing Webhook-AuthID", metadata: ["http.peer": "\(head.peer)"])
            return .respond(.error(401, code: "Unauthorized", message: "Webhook-AuthID is missing or wrong"))
        }
        guard WebhookRequest.isJSONMediaType(head.headers["Content-Type"]) else {
            return .respond(.error(415, code: "UnsupportedMediaType", message: "expected application/json"))
        }
        return .readBody(maxBodyBytes: self.settings.maxBodyBytes)
    }

    public func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        switch WebhookRequest.classify(request) {
        case .validation(let code, let tenantId, let clientId):
            if request.headers["Webhook-ValidationCode"] == nil {
                self.logger.notice("validation request without a Webhook-ValidationCode header")
            }
            self.logger.info("webhook validation handshake", metadata: [
                "webhook.tenantId": "\(tenantId ?? "-")", "webhook.clientId": "\(clientId ?? "-")",
            ])
            return .response(.json(200, #"{"validationCode":"\#(jsonEscaped(code))"}"#))
        case .notification(let blobs):
            self.logger.warning("notification received before the ledger exists; answering 503", metadata: [
                "webhook.blobs": "\(blobs.count)",
            ])
            return .response(.error(503, code: "NotReady", message: "notification intake is not available yet; retry later"))
        case .malformed(let reason):
            return .response(.error(400, code: "BadRequest", message: reason))
        }
    }

    /// Constant-time comparison of `Webhook-AuthID` (header names are case-insensitive).
    private func authorized(_ head: HTTPRequestHead) -> Bool {
        guard !self.settings.authId.isEmpty else { return true }
        guard let presented = head.headers["Webhook-AuthID"] else { return false }
        return ConstantTime.equals(presented, self.settings.authId)
    }
}
