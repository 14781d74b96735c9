import Foundation
import HookHTTPServer
import Synchronization

/// One injected fault, configured per endpoint through `/_sim/faults` or a scenario.
///
/// Endpoints: `token`, `start`, `stop`, `list`, `content`, `notifications`, `blob`, `ingest`, or
/// `*` for all of them. A rule fires with `probability`, at most `count` times when set.
public struct FaultRule: Sendable {
    public enum Kind: String, Sendable {
        /// Adds `latencyMs` before the answer (combines with the other kinds).
        case latency
        /// Answers `status` (default 503) with an empty body.
        case serverError = "5xx"
        /// Answers 500 with the AF50000 envelope.
        case af50000
        /// Drops the connection without an answer (the HTTP server's `.abort`): the client sees the
        /// connection closed mid-request. With added latency the nearest possible is 502 + `Connection: close`.
        case reset
        /// The operation runs, but the body is cut in half (framed correctly: the JSON is cut).
        case truncated
        /// The operation runs, but the body is replaced by invalid JSON.
        case invalidJSON = "invalidJson"
        /// Answers 401 as for an expired token, whatever the token.
        case expiredToken
        /// Answers 429 with `Retry-After: retryAfterSeconds` (Logs Ingestion's throttle).
        case throttle
        /// Shifts the `Date` header by `skewSeconds`.
        case dateSkew
        /// A listing page's `NextPageUri` points back at the window's first page (`nextPage=…R0`), so a
        /// client that follows it blindly lists forever.
        case pageCycle
    }

    public var endpoint: String
    public var kind: Kind
    public var probability = 1.0
    public var count: Int?
    public var latencyMs = 0
    public var status = 503
    public var retryAfterSeconds = 1
    public var skewSeconds = 0.0

    public init(endpoint: String, kind: Kind) {
        self.endpoint = endpoint
        self.kind = kind
    }

    /// Parses `{"endpoint":…,"kind":…,…}`; nil when the kind is unknown.
    init?(_ object: [String: Any]) {
        guard let kind = object.string("kind").flatMap(Kind.init(rawValue:)) else { return nil }
        self.init(endpoint: object.string("endpoint") ?? "*", kind: kind)
        if let value = object.double("probability") { self.probability = value }
        self.count = object.int("count")
        if let value = object.int("latencyMs") { self.latencyMs = value }
        if let value = object.int("status") { self.status = value }
        if let value = object.int("retryAfterSeconds") { self.retryAfterSeconds = value }
        if let value = object.double("skewSeconds") { self.skewSeconds = value }
    }
}

/// The faults due for one request.
struct FaultPlan: Sendable {
    var latencyMs = 0
    var skewSeconds: Double?
    /// A fault that replaces the answer (the operation does not run).
    var replacement: FaultRule?
    /// A fault that mangles the operation's answer.
    var mangle: FaultRule.Kind?

    var isEmpty: Bool { self.latencyMs == 0 && self.skewSeconds == nil && self.replacement == nil && self.mangle == nil }
}

/// The configured fault rules and the dice that decide when they fire.
final class FaultInjection: Sendable {
    private struct Rules {
        var rules: [FaultRule] = []
        var random = SimRandom(seed: 0xFA17)
    }

    private let rules = Mutex(Rules())
    /// Lets the hot path skip the lock entirely while no fault is configured.
    private let active = Atomic<Bool>(false)

    /// Replaces every rule.
    func set(_ rules: [FaultRule]) {
        self.rules.withLock { $0.rules = rules }
        self.active.store(!rules.isEmpty, ordering: .relaxed)
    }

    /// Adds rules to those configured.
    func add(_ rules: [FaultRule]) {
        self.rules.withLock { $0.rules += rules }
        self.active.store(true, ordering: .relaxed)
    }

    /// Rolls the dice for a request to `endpoint`.
    func plan(for endpoint: String) -> FaultPlan {
        guard self.active.load(ordering: .relaxed) else { return FaultPlan() }
        return self.rules.withLock { state in
            var plan = FaultPlan()
            for index in state.rules.indices {
                let rule = state.rules[index]
                guard rule.endpoint == endpoint || rule.endpoint == "*", rule.count.map({ $0 > 0 }) ?? true,
                      state.random.chance(rule.probability) else { continue }
                switch rule.kind {
                case .latency: plan.latencyMs += rule.latencyMs
                case .dateSkew: plan.skewSeconds = rule.skewSeconds
                case .truncated, .invalidJSON, .pageCycle:
                    guard plan.mangle == nil else { continue }
                    plan.mangle = rule.kind
                default:
                    guard plan.replacement == nil else { continue }
                    plan.replacement = rule
                }
                if let count = rule.count { state.rules[index].count = count - 1 }
            }
            return plan
        }
    }

    /// The answer a replacing fault gives.
    static func response(_ rule: FaultRule) -> HTTPResponse {
        switch rule.kind {
        case .serverError: return HTTPResponse(status: rule.status)
        case .af50000: return APIError.internalError.response
        case .reset: return HTTPResponse(status: 502, headers: ["Connection": "close"])
        case .expiredToken:
            return HTTPResponse(status: 401, headers: ["WWW-Authenticate": #"Bearer error="invalid_token", error_description="The token is expired""#],
                                body: APIError.unauthorized.response.body)
        case .throttle:
            var response = HTTPResponse.error(429, code: "TooManyRequests", message: "Rate limit exceeded. Retry after the duration in the Retry-After header.")
            response.headers.add("Retry-After", String(rule.retryAfterSeconds))
            response.headers.add("x-ms-error-code", "TooManyRequests")
            return response
        default: return HTTPResponse(status: 500)
        }
    }

    /// Applies a mangling fault and the clock skew to an answer.
    static func finish(_ response: HTTPResponse, _ plan: FaultPlan, now: Date) -> HTTPResponse {
        var response = response
        switch plan.mangle {
        case .truncated: response.body = Array(response.body.prefix(response.body.count / 2))
        case .invalidJSON: response.body = Array(#"{"error": not json ]"#.utf8)
        case .pageCycle:
            if let next = response.headers["NextPageUri"], let marker = next.lastIndex(of: "R") {
                response.headers.replace("NextPageUri", String(next[..<marker]) + "R0")
            }
        default: break
        }
        if let skew = plan.skewSeconds {
            response.headers.replace("Date", SimTime.httpDate(now.addingTimeInterval(skew)))
        }
        return response
    }
}
