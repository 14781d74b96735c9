import HookHTTPClient
import HookJSON
import HookEntraAuth
import HookRetry

/// Reads HEC's answers (docs/sink-protocols.md, Splunk): `200 {"text":"Success","code":0[,"ackId":N]}` is accepted; 503
/// (code 9, server busy), 429, other 5xx and 408 are retryable, after `Retry-After` when sent; 400, 401,
/// 403 and every other status are permanent. Messages carry HEC's `text` and `code`, never the token.
package enum SplunkHECResponse {
    /// The `ackId` of an accepted request (nil when acknowledgement is off), or why it was not accepted.
    package static func accepted(_ response: HTTPClientResponse, expectAck: Bool) -> Result<Int?, TransportError> {
        let json = try? JSONParser.parse(response.body)
        let code = json?["code"]?.int64Value
        if response.status == 200, code == nil || code == 0 {
            guard expectAck else { return .success(nil) }
            guard let ackId = json?["ackId"]?.int64Value else {
                return .failure(.permanent("HEC accepted the request without an ackId: is indexer acknowledgement (useACK) enabled on the token?"))
            }
            return .success(Int(ackId))
        }
        return .failure(self.failure(response, json: json, what: "event request"))
    }

    /// The answer to `POST /services/collector/ack`: `{"acks":{"0":true,"1":false}}`.
    package static func acks(_ response: HTTPClientResponse) -> Result<[Int: Bool], TransportError> {
        let json = try? JSONParser.parse(response.body)
        guard response.status == 200, case .object(let members)? = json?["acks"] else {
            return .failure(self.failure(response, json: json, what: "acknowledgement query"))
        }
        var acks: [Int: Bool] = [:]
        for member in members {
            if let id = Int(member.key), case .bool(let acked) = member.value { acks[id] = acked }
        }
        return .success(acks)
    }

    static func failure(_ response: HTTPClientResponse, json: JSONValue?, what: String) -> TransportError {
        var message = "HEC answered \(response.status) to the \(what)"
        if let text = json?["text"]?.stringValue { message += ": \(String(text.prefix(200)))" }
        if let code = json?["code"]?.int64Value { message += " (code \(code))" }
        switch response.status {
        case 408, 429, 500...599:
            return .retryable(message, retryAfter: RetryAfter.parse(header: response.headers["Retry-After"]))
        case 200:
            // 200 with a non-zero code is not a documented answer; retrying is the safe reading.
            return .retryable(message, retryAfter: nil)
        default:
            return .permanent(message)
        }
    }

    /// A request that got no HTTP answer: connection trouble is retryable, a bad URL or TLS setup is not.
    static func failure(_ error: any Error, url: String) -> TransportError {
        guard let error = error as? HTTPClientError else { return .retryable("HEC request to \(url) failed: \(error)", retryAfter: nil) }
        if error.code == .tls || error.code == .invalidRequest {
            return .permanent("HEC request failed: \(error.message)")
        }
        return .retryable("HEC request failed: \(error.message)", retryAfter: nil)
    }
}
