import Foundation
import HookCrypto
import HookHTTPServer

/// The `/_sim/…` control and inspection API (not under any Microsoft path). It has no
/// authentication: the simulator is a test double bound to loopback.
///
/// - `POST /_sim/configure`: `{"settings":{…},"tenants":[…],"faults":[…]}` (the scenario shape)
/// - `POST /_sim/faults`: `{"faults":[…]}` replaces the rules; `DELETE /_sim/faults` clears them
/// - `POST /_sim/publish`: generated or exact content; answers the blobs made
/// - `POST /_sim/clock`: `{"advanceSeconds":n}` moves the simulated time
/// - `GET /_sim/counters`, `GET /_sim/ingested[?stream=…][&records=false]`, `POST /_sim/reset` (`{"all":true}`)
/// - `POST /_sim/disable-webhook`: `{"tenant":…,"contentType":…}` marks that subscription's webhook `disabled`, as
///   Microsoft does after failed deliveries (no more notifications until a `/start` re-enables it)
/// - `GET /_sim/wait?counter=NAME&atLeast=N[&timeoutSeconds=S]`: answers when the counter reaches N
///   (`{"reached":true,…}`), or after S seconds (default 30) with `{"reached":false,…}`; a readiness signal
///   for tests instead of polling the counters on a timer
struct ControlRoutes: Sendable {
    let app: SimulatorApp

    func wait(_ request: HTTPRequest) -> HTTPHandlerResult {
        guard let counter = request.head.queryValue("counter"), SimCounters().value(counter) != nil,
              let atLeast = request.head.queryValue("atLeast").flatMap({ Int($0) })
        else { return .response(.error(400, code: "BadWait", message: "expected ?counter=<a counter name>&atLeast=<n>")) }
        let timeout = request.head.queryValue("timeoutSeconds").flatMap { Double($0) }.map { min(max($0, 0), 600) } ?? 30
        let state = self.app.state
        return .async {
            let reached = await state.waiters.wait(counter: counter, atLeast: atLeast, timeout: .milliseconds(Int64(timeout * 1000)),
                                                   current: { state.counters })
            let value = state.counters.value(counter) ?? 0
            return .json(200, #"{"reached":\#(reached),"counter":"\#(counter)","value":\#(value)}"#)
        }
    }

    func handle(_ name: String, _ request: HTTPRequest) -> HTTPResponse {
        let body = JSONInput.object(request.body) ?? [:]
        switch (request.method, name) {
        case ("POST", "configure"):
            do { try self.app.configure(body) } catch { return .error(400, code: "BadScenario", message: "\(error)") }
            return .json(200, #"{"configured":true}"#)
        case ("POST", "faults"):
            self.app.faults.set(body.objects("faults").compactMap(FaultRule.init))
            return .json(200, #"{"configured":true}"#)
        case ("DELETE", "faults"):
            self.app.faults.set([])
            return .json(200, #"{"configured":true}"#)
        case ("POST", "publish"):
            return self.publish(body)
        case ("POST", "clock"):
            self.app.state.clock.advance(seconds: body.double("advanceSeconds") ?? 0)
            return .json(200, #"{"now":"\#(SimTime.iso(self.app.state.clock.now))"}"#)
        case ("GET", "counters"):
            var counters = self.app.state.counters.json
            if case .object(var pairs) = counters {
                pairs.append(("notificationsPending", .number(self.app.delivery.pendingCount)))
                counters = .object(pairs)
            }
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: counters.bytes)
        case ("GET", "ingested"):
            return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"],
                                body: self.app.ingestion.recorded(stream: request.head.queryValue("stream"),
                                                                  withRecords: request.head.queryValue("records") != "false").bytes)
        case ("POST", "reset"):
            self.app.reset(all: body.bool("all") ?? false)
            return .json(200, #"{"reset":true}"#)
        case ("GET", "health"):
            return .json(200, #"{"status":"ok"}"#)
        case ("POST", "disable-webhook"):
            return self.disableWebhook(body)
        default:
            return .error(404, code: "NotFound", message: "no control route \(request.method) /_sim/\(name)")
        }
    }

    private func publish(_ body: [String: Any]) -> HTTPResponse {
        guard let tenant = body.string("tenant"),
              let type = body.string("contentType").flatMap(SimContentType.init(caseInsensitive:))
        else { return .error(400, code: "BadRequest", message: "publish needs tenant and a valid contentType") }
        var exact: [[[UInt8]]]?
        if let records = body["records"] as? [Any] {
            exact = [records.compactMap(JSONInput.encode)]
        } else if let blobs = body["exactBlobs"] as? [[Any]] {
            exact = blobs.map { $0.compactMap(JSONInput.encode) }
        }
        let request = PublishRequest(tenant: tenant, contentType: type, blobCount: body.int("blobs") ?? 1,
                                     recordsPerBlob: body.int("recordsPerBlob"), exactBlobs: exact,
                                     ageSeconds: body.double("ageSeconds") ?? 0, notify: body.bool("notify") ?? true)
        let (published, dropped) = self.app.publishListings(request)
        let base = self.app.state.baseURL
        let answer = JSONOutput.object([
            ("published", .array(published.map { .object($0.fields(base: base) + [("recordCount", .number($0.recordCount))]) })),
            ("dropped", .number(dropped)),
        ])
        return HTTPResponse(status: 200, headers: ["Content-Type": "application/json"], body: answer.bytes)
    }
}

/// A scenario problem, with the key it concerns.
public struct ScenarioError: Error, CustomStringConvertible, Sendable {
    public let description: String
    init(_ description: String) { self.description = description }
}

extension SimulatorApp {
    /// Applies a scenario or `/_sim/configure` body: `settings`, `tenants` (with `apps`), `faults`.
    public func configure(_ scenario: [String: Any]) throws {
        if let settings = scenario.object("settings") {
            self.state.withStore { store in
                store.settings.apply(settings)
                if settings["seed"] != nil { store.random = SimRandom(seed: store.settings.seed) }
            }
        }
        for (index, tenant) in scenario.objects("tenants").enumerated() {
            guard let id = tenant.string("id"), UUID(uuidString: id) != nil else {
                throw ScenarioError("tenants[\(index)].id: not a GUID")
            }
            var apps: [SimApp] = []
            for (appIndex, app) in tenant.objects("apps").enumerated() {
                guard let clientId = app.string("clientId") else { throw ScenarioError("tenants[\(index)].apps[\(appIndex)].clientId: missing") }
                var certificates: [Certificate] = []
                do {
                    certificates += try (app.strings("certificates") ?? []).map { try Certificate(pem: $0) }
                    certificates += try (app.strings("certificateFiles") ?? []).map { try Certificate(pemFile: $0) }
                } catch {
                    throw ScenarioError("tenants[\(index)].apps[\(appIndex)].certificates: \(error)")
                }
                var record = SimApp(clientId: clientId, secret: app.string("secret"), certificates: certificates)
                if let roles = app.strings("roles") { record.roles = roles }
                apps.append(record)
            }
            self.state.addTenant(SimTenant(id: id, apps: apps))
        }
        if let faults = scenario["faults"] as? [[String: Any]] {
            self.faults.set(faults.compactMap(FaultRule.init))
        }
    }
}

extension ControlRoutes {
    /// `POST /_sim/disable-webhook`.
    func disableWebhook(_ body: [String: Any]) -> HTTPResponse {
        guard let tenant = body.string("tenant")?.lowercased(),
              let type = body.string("contentType").flatMap(SimContentType.init(caseInsensitive:))
        else { return .error(400, code: "BadRequest", message: "expected {\"tenant\":…,\"contentType\":…}") }
        let disabled = self.app.state.withStore { store -> Bool in
            let key = SubscriptionKey(tenant: tenant, contentType: type)
            guard var subscription = store.subscriptions[key], var webhook = subscription.webhook else { return false }
            webhook.status = .disabled
            subscription.webhook = webhook
            store.subscriptions[key] = subscription
            return true
        }
        return disabled ? .json(200, #"{"disabled":true}"#) : .error(404, code: "NotFound", message: "no webhook on that subscription")
    }
}
