import Foundation
import HookHTTPServer
import Synchronization

/// A fake of the Azure Monitor Logs Ingestion API (docs/sink-protocols.md, Logs Ingestion):
/// `POST /dataCollectionRules/{dcr}/streams/{stream}?api-version=2023-01-01` with a bearer token
/// for `https://monitor.azure.com/.default` from the simulator's own token endpoint.
///
/// 204 on success; 413 past 1 MB, checked on the bytes received and again after gunzip ("both
/// compressed and uncompressed"); `Content-Encoding: gzip` is inflated in pure Swift. Errors use
/// the Azure Core `{"error":{"code","message"}}` body plus `x-ms-error-code`. Throttling (429 +
/// `Retry-After`) and 5xx come from fault rules on the `ingest` endpoint.
final class LogsIngestionFake: Sendable {
    /// One accepted call.
    struct Call: Sendable {
        var dcr: String
        var stream: String
        var recordCount: Int
        var compressed: Bool
        /// The (inflated) body exactly as sent, so tests can check bytes the re-encoded `records` lose.
        var body: [UInt8]
    }

    private let state: SimulatorState
    private let tokens: AccessTokens
    private let calls = Mutex<[Call]>([])

    init(state: SimulatorState, tokens: AccessTokens) {
        self.state = state
        self.tokens = tokens
    }

    func handle(dcr: String, stream: String, request: HTTPRequest) -> HTTPResponse {
        guard request.method == "POST" else { return Self.error(405, "MethodNotAllowed", "Only POST is supported.") }
        guard request.head.queryValue("api-version") == "2023-01-01" else {
            // Harsher: only the one stable version of the spec is accepted.
            return Self.error(400, "InvalidApiVersion", "The api-version query parameter must be 2023-01-01.")
        }
        guard BearerCheck.claims(authorization: request.headers["Authorization"], tokens: self.tokens, now: self.state.clock.now,
                                 audiences: TokenEndpoint.monitorResources) != nil
        else { return Self.error(401, "InvalidToken", "The access token is missing, invalid, expired, or for another audience.") }
        let limit = self.state.settings.ingestMaxBytes
        guard request.body.count <= limit else { return Self.tooLarge(limit) }
        var body = request.body
        var compressed = false
        switch request.headers["Content-Encoding"]?.lowercased() {
        case nil, "identity": break
        case "gzip":
            switch Gunzip.decompress(request.body, limit: limit) {
            case .inflated(let inflated): body = inflated
            case .tooLarge: return Self.tooLarge(limit)
            case .invalid: return Self.error(400, "InvalidContentEncoding", "The body is not valid gzip.")
            }
            compressed = true
        default:
            return Self.error(415, "UnsupportedContentEncoding", "Only gzip is supported as Content-Encoding.")
        }
        guard request.headers["Content-Type"]?.lowercased().hasPrefix("application/json") == true else {
            return Self.error(415, "UnsupportedMediaType", "Content-Type must be application/json.")
        }
        guard let array = JSONInput.any(body) as? [Any] else {
            return Self.error(400, "InvalidPayload", "The body must be a JSON array of objects.")
        }
        guard array.allSatisfy({ $0 is [String: Any] }) else {
            return Self.error(400, "InvalidPayload", "Every element of the array must be a JSON object.")
        }
        // Records are re-encoded (sorted keys) only when `/_sim/ingested` asks for them: Foundation's sorted
        // encoding costs more than the rest of the call, and big end-to-end runs read the raw bodies instead.
        self.calls.withLock { $0.append(Call(dcr: dcr, stream: stream, recordCount: array.count, compressed: compressed, body: body)) }
        self.state.withStore { store in
            store.counters.ingestCalls += 1
            store.counters.ingestedRecords += array.count
        }
        return HTTPResponse(status: 204)
    }

    /// Everything accepted, optionally for one stream: `{"calls":[{"dcr","stream","compressed","records":[…],"bodyBytes","body":[…]}]}`;
    /// `records` are re-encoded with sorted keys, `body` is the array exactly as sent (`bodyBytes` long, uncompressed).
    /// With `withRecords: false` (`?records=false`) the re-encoded `records` are left out.
    func recorded(stream: String?, withRecords: Bool = true) -> JSONOutput {
        let calls = self.calls.withLock { $0 }.filter { stream == nil || $0.stream == stream }
        return .object([("calls", .array(calls.map { call in
            var fields: [(String, JSONOutput)] = [("dcr", .string(call.dcr)), ("stream", .string(call.stream)),
                                                  ("compressed", .bool(call.compressed)), ("recordCount", .number(call.recordCount))]
            if withRecords {
                let elements = JSONInput.any(call.body) as? [Any] ?? []
                fields.append(("records", .array(elements.compactMap { JSONInput.encode($0).map { .raw($0) } })))
            }
            return .object(fields + [("bodyBytes", .number(call.body.count)), ("body", .raw(call.body))])
        }))])
    }

    /// Forgets every recorded call.
    func reset() { self.calls.withLock { $0.removeAll() } }

    private static func tooLarge(_ limit: Int) -> HTTPResponse {
        error(413, "ContentLengthLimitExceeded", "The message is too large. The maximum message size is currently \(limit) bytes per call.")
    }

    static func error(_ status: Int, _ code: String, _ message: String) -> HTTPResponse {
        var response = HTTPResponse.error(status, code: code, message: message)
        response.headers.add("x-ms-error-code", code)
        return response
    }
}
