import HookHTTPClient
import HookEntraAuth
import HookRetry

/// One webhook POST and what its answer means (docs/sink-protocols.md, alert webhooks).
extension AlertWebhookTransport {
    /// Posts `body`; returns on a 2xx that is not a throttle in disguise.
    func post(_ body: [UInt8]) async throws(TransportError) {
        let request = HTTPClientRequest(method: "POST", url: self.config.url.reveal(),
                                        headers: ["Content-Type": "application/json"], body: body, kind: .sink)
        let response: HTTPClientResponse
        do {
            response = try await self.http.execute(request, maxBodyBytes: 64 << 10)
        } catch let error as HTTPClientError {
            // Only the code: the client's message repeats the URL, which holds the webhook's credential.
            if error.code == .tls || error.code == .invalidRequest {
                throw .permanent("alert webhook request failed: \(error.code)")
            }
            throw .retryable("alert webhook request failed: \(error.code)", retryAfter: nil)
        } catch {
            throw .retryable("alert webhook request failed", retryAfter: nil)
        }
        let retryAfter = RetryAfter.parse(header: response.headers["Retry-After"])
        let text = String(decoding: response.body.prefix(200), as: UTF8.self)
        switch response.status {
        case 200...299:
            // A Teams connector signals throttling as 200 with "Microsoft Teams endpoint returned HTTP error 429".
            if text.contains("HTTP error 429") {
                throw .retryable("alert webhook is throttled (HTTP error 429 in a 200 answer)", retryAfter: retryAfter)
            }
        case 408, 429, 500...599:
            throw .retryable("alert webhook answered HTTP \(response.status)", retryAfter: retryAfter)
        default:
            throw .permanent("alert webhook answered HTTP \(response.status): \(text)")
        }
    }
}
