import HookHTTPServer
import HookJSON

/// The HTTP side of ``SplunkHECFake``: routes, authentication, faults, event parsing and acknowledgements.
struct SplunkHECHandler: HTTPHandler {
    let fake: SplunkHECFake

    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision {
        guard head.method == "POST" else { return .respond(Self.answer(405, "Method not allowed", code: 6)) }
        guard head.path == "/services/collector/event" || head.path == "/services/collector/ack" else {
            return .respond(Self.answer(404, "The requested URL was not found on this server.", code: 404))
        }
        return .readBody(maxBodyBytes: 64 << 20)
    }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        let channel = request.headers["X-Splunk-Request-Channel"] ?? request.head.queryValue("channel")
        if request.path == "/services/collector/ack" {
            return .response(self.acks(request, channel: channel))
        }
        return .response(self.events(request, channel: channel))
    }

    private func authenticate(_ request: HTTPRequest) -> HTTPResponse? {
        guard let authorization = request.headers["Authorization"] else { return Self.answer(401, "Token is required", code: 2) }
        guard authorization == "Splunk \(self.fake.token)" else { return Self.answer(403, "Invalid token", code: 4) }
        return nil
    }

    private func events(_ request: HTTPRequest, channel: String?) -> HTTPResponse {
        let fault: HTTPResponse? = self.fake.state.withLock { state in
            state.eventRequests += 1
            if state.down { return Self.answer(503, "Server is busy", code: 9) }
            guard var fault = state.fault, fault.remaining > 0 else { return nil }
            fault.remaining -= 1
            state.fault = fault
            var response = fault.status == 503 ? Self.answer(503, "Server is busy", code: 9)
                : Self.answer(fault.status, "Injected failure", code: 8)
            if let seconds = fault.retryAfter { response.headers.add("Retry-After", String(seconds)) }
            return response
        }
        if let fault { return fault }
        if let failure = self.authenticate(request) { return failure }
        let ackEnabled = self.fake.state.withLock { $0.ackEnabled }
        if ackEnabled, channel == nil { return Self.answer(400, "Data channel is missing", code: 10) }
        let parsed: [SplunkHECFake.Event]
        switch Self.parseEvents(request.body, channel: channel) {
        case .events(let events): parsed = events
        case .rejected(let response): return response
        }
        let ackId: Int? = self.fake.state.withLock { state in
            let first = state.events.count
            state.events += parsed
            state.acceptedBodySizes.append(request.body.count)
            guard ackEnabled, let channel else { return nil }
            return state.indexers.accept(channel: channel, events: first..<state.events.count)
        }
        if let ackId { return .json(200, #"{"text":"Success","code":0,"ackId":\#(ackId)}"#) }
        return .json(200, #"{"text":"Success","code":0}"#)
    }

    private func acks(_ request: HTTPRequest, channel: String?) -> HTTPResponse {
        if let failure = self.authenticate(request) { return failure }
        guard self.fake.state.withLock({ $0.ackEnabled }) else { return Self.answer(400, "ACK is disabled", code: 14) }
        guard let channel else { return Self.answer(400, "Data channel is missing", code: 10) }
        guard let ids = (try? JSONParser.parse(request.body))?["acks"]?.arrayValue?.compactMap(\.int64Value) else {
            return Self.answer(400, "Invalid data format", code: 6)
        }
        let answers: [String] = self.fake.state.withLock { state in
            state.ackQueries += 1
            return state.indexers.answer(channel: channel, ids: ids.map { Int($0) }).map { "\"\($0.id)\":\($0.acked)" }
        }
        return .json(200, "{\"acks\":{\(answers.joined(separator: ","))}}")
    }

    enum Parsed {
        case events([SplunkHECFake.Event])
        /// HEC's 400 answer.
        case rejected(HTTPResponse)
    }

    /// Splits the body into events.
    static func parseEvents(_ body: [UInt8], channel: String?) -> Parsed {
        guard let ranges = ConcatenatedJSON.objects(body) else { return .rejected(Self.answer(400, "Invalid data format", code: 6)) }
        guard !ranges.isEmpty else { return .rejected(Self.answer(400, "No data", code: 5)) }
        var events: [SplunkHECFake.Event] = []
        for range in ranges {
            guard let object = try? JSONParser.parse(body[range]), object.isObject,
                  let members = ConcatenatedJSON.members(body, range) else {
                return .rejected(Self.answer(400, "Invalid data format", code: 6))
            }
            var event = SplunkHECFake.Event(event: [], channel: channel, keys: [])
            var sawEvent = false
            for member in members {
                guard let key = (try? JSONParser.parse(body[member.key]))?.stringValue else {
                    return .rejected(Self.answer(400, "Invalid data format", code: 6))
                }
                event.keys.append(key)
                let value = Array(body[member.value])
                switch key {
                case "event":
                    sawEvent = true
                    event.event = value
                case "time": event.time = String(decoding: value, as: UTF8.self)
                case "host": event.host = object["host"]?.stringValue
                case "source": event.source = object["source"]?.stringValue
                case "sourcetype": event.sourcetype = object["sourcetype"]?.stringValue
                case "index": event.index = object["index"]?.stringValue
                default: break
                }
            }
            guard sawEvent else { return .rejected(Self.answer(400, "Event field is required", code: 12)) }
            guard event.event != Array(#""""#.utf8) else { return .rejected(Self.answer(400, "Event field cannot be blank", code: 13)) }
            events.append(event)
        }
        return .events(events)
    }

    static func answer(_ status: Int, _ text: String, code: Int) -> HTTPResponse {
        .json(status, #"{"text":"\#(text)","code":\#(code)}"#)
    }
}
