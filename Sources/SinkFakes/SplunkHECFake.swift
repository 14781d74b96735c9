import HookHTTPServer
import Logging
import Synchronization

/// A Splunk HTTP Event Collector on a real loopback server (127.0.0.1, port 0), for tests (docs/sink-protocols.md, Splunk).
///
/// `POST /services/collector/event` checks `Authorization: Splunk <token>`, splits the concatenated event
/// objects and stores each event's raw `event` bytes with its envelope keys. With acknowledgement on, a
/// channel (`X-Splunk-Request-Channel` or `?channel=`) is required, each accepted request gets an `ackId`
/// of its channel, and `POST /services/collector/ack` answers true for an ackId once it was polled
/// `pollsBeforeTrue` times. Several indexers behind the one URL (``setIndexers(pollsBeforeTrue:)``), each
/// with its own ackId counters, and a restart (``restart(afterRequests:)``) make ackIds repeat.
/// Faults: ``failNext(_:status:retryAfter:)`` and ``setDown(_:)``.
public final class SplunkHECFake: Sendable {
    /// One stored event.
    public struct Event: Sendable {
        /// The `event` value's bytes exactly as sent.
        public var event: [UInt8]
        /// The `time` value's text as sent (e.g. `1435608199.000`), or nil when absent.
        public var time: String?
        /// `host`, when sent.
        public var host: String?
        /// `source`, when sent.
        public var source: String?
        /// `sourcetype`, when sent.
        public var sourcetype: String?
        /// `index`, when sent.
        public var index: String?
        /// The request's channel, when it had one.
        public var channel: String?
        /// The names of every key of the envelope, in order.
        public var keys: [String]
    }

    struct Fault: Sendable {
        var remaining: Int
        var status: Int
        var retryAfter: Int?
    }

    struct State: Sendable {
        var events: [Event] = []
        var eventRequests = 0
        var acceptedBodySizes: [Int] = []
        var ackQueries = 0
        var ackEnabled = false
        var indexers = SplunkHECIndexers()
        var fault: Fault?
        var down = false
    }

    /// The token the fake accepts.
    public let token: String
    let state = Mutex(State())

    /// Creates the fake; ``withRunning(token:ack:_:)`` also binds and runs its server.
    /// - Parameter token: The HEC token that requests must carry.
    public init(token: String) {
        self.token = token
    }

    /// Runs `body` with a fresh fake served on 127.0.0.1:0; stops the server afterwards, also when `body` throws.
    /// - Parameters:
    ///   - token: The HEC token that requests must carry.
    ///   - ack: Whether indexer acknowledgement is on.
    ///   - body: The test, given the fake and its base URL (`http://127.0.0.1:<port>`).
    public static func withRunning<T: Sendable>(
        token: String, ack: Bool = false, _ body: @Sendable (SplunkHECFake, String) async throws -> T
    ) async throws -> T {
        let fake = SplunkHECFake(token: token)
        fake.setAck(enabled: ack)
        let logger = Logger(label: "splunk-hec-fake", factory: { _ in SwiftLogNoOpLogHandler() })
        let server = try HTTPServer(configuration: HTTPServerConfiguration(), handler: SplunkHECHandler(fake: fake), logger: logger)
        return try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { try await server.run() }
            defer {
                server.shutdown()
                group.cancelAll()
            }
            return try await body(fake, "http://127.0.0.1:\(server.port)")
        }
    }

    /// Every event accepted so far, in arrival order.
    public var events: [Event] { self.state.withLock { $0.events } }
    /// Event requests received, failed ones included.
    public var eventRequests: Int { self.state.withLock { $0.eventRequests } }
    /// Body sizes of the event requests accepted, in arrival order.
    public var acceptedBodySizes: [Int] { self.state.withLock { $0.acceptedBodySizes } }
    /// Acknowledgement queries received.
    public var ackQueries: Int { self.state.withLock { $0.ackQueries } }

    /// Turns indexer acknowledgement on or off.
    /// - Parameters:
    ///   - enabled: Whether requests need a channel and get ackIds.
    ///   - pollsBeforeTrue: Queries of an ackId before it answers true; nil never acknowledges.
    public func setAck(enabled: Bool, pollsBeforeTrue: Int? = 1) {
        self.state.withLock {
            $0.ackEnabled = enabled
            for index in $0.indexers.indexers.indices { $0.indexers.indexers[index].pollsBeforeTrue = pollsBeforeTrue }
        }
    }

    /// Puts one indexer per element behind the URL, round-robin, each acknowledging after that many queries
    /// of an ackId (nil: never; its events are as good as lost). An empty list changes nothing.
    public func setIndexers(pollsBeforeTrue: [Int?]) {
        guard !pollsBeforeTrue.isEmpty else { return }
        self.state.withLock { $0.indexers.indexers = pollsBeforeTrue.map { SplunkHECIndexers.Indexer(pollsBeforeTrue: $0) } }
    }

    /// Restarts, once, the indexer that accepts the `count`-th event request from now: its unacknowledged
    /// requests are lost and its ackIds start from 0 again.
    public func restart(afterRequests count: Int) {
        self.state.withLock { $0.indexers.restartAfter = max(1, count) }
    }

    /// The events whose request was acknowledged (answered true) by the indexer that holds it, in arrival order.
    public var acknowledgedEvents: [Event] {
        self.state.withLock { state in state.indexers.acknowledged.sorted().map { state.events[$0] } }
    }

    /// Fails the next `count` event requests with `status` (503 answers HEC's code 9, "Server is busy").
    /// - Parameters:
    ///   - count: How many requests fail.
    ///   - status: The HTTP status to answer.
    ///   - retryAfter: Seconds for a `Retry-After` header, if any.
    public func failNext(_ count: Int, status: Int, retryAfter: Int? = nil) {
        self.state.withLock { $0.fault = Fault(remaining: count, status: status, retryAfter: retryAfter) }
    }

    /// While set, every event request gets 503 with code 9.
    public func setDown(_ down: Bool) {
        self.state.withLock { $0.down = down }
    }
}
