import Foundation
import HookConfig
import HookHTTPClient

/// `type: splunk-hec`: `POST {url}/services/collector/event` with `Authorization: Splunk <token>` and the
/// records as concatenated event objects (see ``SplunkHECEvents`` for the envelope).
///
/// With `ack: true` every request carries this transport's channel GUID in `X-Splunk-Request-Channel`, and
/// `send` returns only when the indexer acknowledged every ackId (polled together with those of concurrent
/// requests); an acknowledgement still false after `ackTimeout` makes the send retryable.
public final class SplunkHECTransport: BatchTransport {
    /// Coalescing bounds: `maxBytes` is three quarters of `maxBatchBytes`, leaving room for the envelopes
    /// so that one send is usually one request; a larger one is cut into several requests.
    public let limits: BatchLimits
    /// The settings.
    public let configuration: SplunkHECSinkConfig
    /// The channel GUID sent with every request when acknowledgement is on.
    public let channel: String?
    private let http: HTTPClient
    private let ownsClient: Bool
    private let events: SplunkHECEvents
    private let eventURL: String
    private let headers: HTTPHeaders
    private let acks: SplunkHECAckTracker?

    /// Creates the transport.
    /// - Parameters:
    ///   - configuration: URL, token, envelope keys, acknowledgement and size settings.
    ///   - http: The client to send with.
    ///   - ownsClient: Whether `close()` shuts `http` down (true for a client made for this sink's CA file).
    public init(configuration: SplunkHECSinkConfig, http: HTTPClient, ownsClient: Bool = false) {
        self.configuration = configuration
        self.limits = BatchLimits(maxRecords: 10_000, maxBytes: max(1, configuration.maxBatchBytes * 3 / 4),
                                  linger: .milliseconds(20))
        self.http = http
        self.ownsClient = ownsClient
        self.events = SplunkHECEvents(configuration: configuration)
        self.eventURL = configuration.url + "/services/collector/event"
        let channel = configuration.ack ? UUID().uuidString.lowercased() : nil
        self.channel = channel
        var headers: HTTPHeaders = ["Authorization": "Splunk \(configuration.token.reveal())", "Content-Type": "application/json"]
        if let channel { headers.add("X-Splunk-Request-Channel", channel) }
        self.headers = headers
        if configuration.ack {
            let headers = headers
            let ackURL = configuration.url + "/services/collector/ack"
            self.acks = SplunkHECAckTracker(interval: configuration.ackPollInterval, timeout: configuration.ackTimeout) { ids in
                await Self.queryAcks(ids, http: http, url: ackURL, headers: headers)
            }
        } else {
            self.acks = nil
        }
    }

    /// Posts the events and, with acknowledgement on, waits until the indexer acknowledged all of them.
    public func send(_ batches: [RecordBatch]) async throws(TransportError) {
        var ackIds: [Int] = []
        for body in self.events.bodies(batches) {
            let request = HTTPClientRequest(method: "POST", url: self.eventURL, headers: self.headers, body: body, kind: .sink)
            let response: HTTPClientResponse
            do {
                response = try await self.http.execute(request, maxBodyBytes: 64 << 10)
            } catch {
                throw SplunkHECResponse.failure(error, url: self.eventURL)
            }
            if let ackId = try SplunkHECResponse.accepted(response, expectAck: self.acks != nil).get() {
                ackIds.append(ackId)
            }
        }
        if let acks = self.acks {
            try await acks.waitForAcks(ackIds)
        }
    }

    /// Shuts the HTTP client down when this transport owns it.
    public func close() async {
        if self.ownsClient { self.http.shutdown() }
    }

    private static func queryAcks(_ ids: [Int], http: HTTPClient, url: String,
                                  headers: HTTPHeaders) async -> Result<[Int: Bool], TransportError> {
        let body = Array("{\"acks\":[\(ids.map(String.init).joined(separator: ","))]}".utf8)
        do {
            let response = try await http.execute(HTTPClientRequest(method: "POST", url: url, headers: headers, body: body, kind: .sink),
                                                  maxBodyBytes: 1 << 20)
            return SplunkHECResponse.acks(response)
        } catch {
            return .failure(SplunkHECResponse.failure(error, url: url))
        }
    }
}
