import Foundation
import HookCompression
import HookHTTPClient
import HookJSON
import HookEntraAuth
import HookRetry

/// One request to the Logs Ingestion API and what its answer means (docs/sink-protocols.md, Logs Ingestion).
extension LogsIngestionTransport {
    /// Posts `rows`; on 413 posts each half instead, down to single rows.
    func post(_ rows: IngestionRequestRows) async throws(TransportError) {
        let outcome = try await self.attempt(rows)
        if outcome == .accepted {
            self.accepted.withLock { accepted in
                for key in rows.keys { key.map { accepted.insert($0) } }
            }
            return
        }
        guard rows.rows.count > 1 else {
            throw .permanent("record \(rows.keys.first.flatMap { $0?.id } ?? "without Id") was refused as too large (HTTP 413) even alone")
        }
        let (first, second) = rows.halves()
        self.logger.debug("logs ingestion request too large, halving", metadata: [
            "sink": "\(self.name)", "rows": "\(rows.rows.count)", "bytes": "\(rows.bodyBytes)",
        ])
        try await self.post(first)
        try await self.post(second)
    }

    enum Outcome { case accepted, tooLarge }

    /// One POST, with one token refresh on 401.
    private func attempt(_ rows: IngestionRequestRows) async throws(TransportError) -> Outcome {
        let compressed: [UInt8]
        do {
            compressed = try Gzip.compress(rows.body())
        } catch {
            throw .permanent("gzip failed: \(error)")
        }
        var token = try await self.token(refreshing: nil)
        for attempt in 0..<2 {
            let response = try await self.execute(compressed, token: token)
            switch response.status {
            case 200, 204:
                return .accepted
            case 413:
                return .tooLarge
            case 401 where attempt == 0:
                token = try await self.token(refreshing: token)
            default:
                throw self.classify(response)
            }
        }
        throw .permanent("Logs Ingestion refused a freshly issued token (HTTP 401): check that the app's token is for the Azure Monitor audience of this endpoint's cloud")
    }

    private func token(refreshing rejected: String?) async throws(TransportError) -> String {
        do {
            let token = if let rejected { try await self.tokens.refresh(replacing: rejected) } else { try await self.tokens.token() }
            return token.value
        } catch let error as TokenError {
            // TokenError's text names the config key and AADSTS hint, never the secret.
            throw error.isTransient ? .retryable("\(error)", retryAfter: nil) : .permanent("\(error)")
        } catch {
            throw .retryable("token request failed: \(error)", retryAfter: nil)
        }
    }

    private func execute(_ body: [UInt8], token: String) async throws(TransportError) -> HTTPClientResponse {
        let request = HTTPClientRequest(method: "POST", url: self.url, headers: [
            "Authorization": "Bearer \(token)",
            "Content-Type": "application/json",
            "Content-Encoding": "gzip",
            "x-ms-client-request-id": UUID().uuidString.lowercased(),
        ], body: body, kind: .sink)
        do {
            return try await self.http.execute(request, maxBodyBytes: 64 << 10)
        } catch let error as HTTPClientError {
            if error.code == .tls || error.code == .invalidRequest { throw .permanent("Logs Ingestion: \(error)") }
            throw .retryable("Logs Ingestion: \(error)", retryAfter: nil)
        } catch {
            throw .retryable("Logs Ingestion: \(error)", retryAfter: nil)
        }
    }

    /// The transport error for a status other than 200/204/413 (and a first 401).
    func classify(_ response: HTTPClientResponse) -> TransportError {
        let status = response.status
        let (code, message) = Self.azureError(response)
        let detail = "HTTP \(status) \(code): \(message)"
        let retryAfter = RetryAfter.parse(header: response.headers["Retry-After"])
        switch status {
        case 403:
            let text = "Logs Ingestion refused the app (\(detail)); the app needs the Monitoring Metrics Publisher role on the DCR, "
                + "and a new role assignment takes up to 30 minutes to apply"
            self.logger.warning("logs ingestion forbidden", metadata: ["sink": "\(self.name)", "error": "\(text)"])
            return .retryable(text, retryAfter: retryAfter)
        case 408, 429, 500...599:
            return .retryable("Logs Ingestion: \(detail)", retryAfter: retryAfter)
        default:
            return .permanent("Logs Ingestion: \(detail)")
        }
    }

    /// Azure Core's `{"error":{"code","message"}}`, else the `x-ms-error-code` header and the body's start.
    static func azureError(_ response: HTTPClientResponse) -> (code: String, message: String) {
        let value = try? JSONParser.parse(response.body, limits: .init(maxDepth: 8))
        let code = value?["error"]?["code"]?.stringValue ?? response.headers["x-ms-error-code"] ?? "unknown"
        let message = value?["error"]?["message"]?.stringValue
            ?? String(decoding: response.body.prefix(200), as: UTF8.self)
        return (code, message.isEmpty ? "(no message)" : message)
    }
}
