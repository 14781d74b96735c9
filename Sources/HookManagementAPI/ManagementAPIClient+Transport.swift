import Foundation
import HookEntraAuth
import HookRetry
import HookHTTPClient
import HookJSON

extension ManagementAPIClient {
    /// What one attempt produced: a finished value, or an error answer to classify.
    enum Attempt<T: Sendable>: Sendable {
        case done(T)
        case failed(ManagementAPIError)
    }

    /// A buffered answer and its parsed JSON body (`.null` when empty).
    struct Answer: Sendable {
        let response: HTTPClientResponse
        let json: JSONValue
    }

    /// Sends a buffered request with budget, token, retries and skew tracking. A 2xx answer whose body is
    /// not valid JSON (truncated, mangled) is retried like a transport fault.
    func send(_ operation: String, method: String = "GET", url: String, body: [UInt8] = [],
              maxBodyBytes: Int = 64 << 20) async throws -> Answer {
        try await self.perform(operation) { token in
            var headers: HTTPHeaders = ["Authorization": "Bearer \(token)", "Accept": "application/json"]
            if method == "POST" { headers.add("Content-Type", "application/json; charset=utf-8") }
            let response = try await self.http.execute(
                HTTPClientRequest(method: method, url: url, headers: headers, body: body), maxBodyBytes: maxBodyBytes)
            self.skew.observe(response.date)
            guard (200..<300).contains(response.status) else {
                return .failed(ManagementAPIError(status: response.status, body: response.body,
                                                  retryAfterHeader: response.headers["Retry-After"], operation: operation))
            }
            if response.body.isEmpty { return .done(Answer(response: response, json: .null)) }
            do {
                let json = try JSONParser.parse(response.body, limits: .init(maxDepth: 16, rejectDuplicateKeys: false))
                return .done(Answer(response: response, json: json))
            } catch {
                return .failed(ManagementAPIError(status: response.status, code: nil, message: "invalid JSON: \(error)",
                                                  operation: operation, errorClass: .retry))
            }
        }
    }

    /// The retry loop shared by buffered and streaming calls.
    func perform<T: Sendable>(_ operation: String, _ attempt: (String) async throws -> Attempt<T>) async throws -> T {
        var refreshed = false
        var number = 0
        while true {
            number += 1
            let token: String
            do {
                token = try await self.tokens.token().value
            } catch let error as TokenError where error.isTransient && number < self.settings.backoff.maxAttempts {
                // Entra ID itself is down or throttling: back off like any transient failure.
                try await Task.sleep(for: self.settings.backoff.delay(attempt: number, serverRequested: nil))
                continue
            }
            // After the token, right before the request: the budget counts the call close to when Microsoft does.
            try await self.budget.acquire()
            let failure: ManagementAPIError
            do {
                switch try await attempt(token) {
                case .done(let value):
                    return value
                case .failed(let error):
                    failure = error
                }
            } catch let error as HTTPClientError {
                failure = ManagementAPIError(status: 0, code: nil, message: "\(error)", operation: operation,
                                             errorClass: error.isTransient ? .retry : .fatal)
            }
            // A 401 means the token was refused: one forced refresh and one immediate retry.
            if failure.status == 401, !refreshed {
                refreshed = true
                _ = try await self.tokens.refresh(replacing: token)
                number -= 1
                continue
            }
            guard failure.errorClass == .retry, failure.status != 401, number < self.settings.backoff.maxAttempts else {
                throw failure
            }
            if let wait = failure.retryAfter, wait > self.settings.maxServerWait { throw failure }
            try await Task.sleep(for: self.settings.backoff.delay(attempt: number, serverRequested: failure.retryAfter))
        }
    }
}
