import Foundation
import HookHTTPServer

/// Routes every request of the simulator and applies the configured faults around it.
///
/// - `POST /{tenant}/oauth2/token`, `POST /{tenant}/oauth2/v2.0/token`: Entra ID
/// - `/api/v1.0/{tenant}/activity/feed/…` and `/api/v1/…`: the Management Activity API
/// - `POST /dataCollectionRules/{dcr}/streams/{stream}`: the Logs Ingestion fake
/// - `/_sim/…`: control and inspection
struct SimulatorHandler: HTTPHandler {
    let app: SimulatorApp
    let management: ManagementRoutes
    let token: TokenEndpoint
    let control: ControlRoutes

    init(app: SimulatorApp) {
        self.app = app
        self.management = ManagementRoutes(state: app.state, tokens: app.tokens, throttle: app.throttle,
                                           validation: app.validation, delivery: app.delivery)
        self.token = TokenEndpoint(state: app.state, tokens: app.tokens)
        self.control = ControlRoutes(app: app)
    }

    func head(_ head: HTTPRequestHead) -> HTTPHeadDecision {
        if head.path.hasPrefix("/_sim/") { return .readBody(maxBodyBytes: 512 << 20) }
        // Read past the 1 MB ingestion limit so the fake answers its own 413 with an Azure body.
        if head.path.hasPrefix("/dataCollectionRules/") { return .readBody(maxBodyBytes: 8 << 20) }
        return .readBody(maxBodyBytes: 1 << 20)
    }

    func handle(_ request: HTTPRequest) -> HTTPHandlerResult {
        let parts = request.path.split(separator: "/")
        if parts.first == "_sim" {
            if parts.count == 2 && parts[1] == "wait" { return self.control.wait(request) }
            return .response(self.control.handle(parts.dropFirst().joined(separator: "/"), request))
        }
        guard let (endpoint, route) = self.route(parts, request) else {
            return .response(.error(404, code: "NotFound", message: "No route for \(request.method) \(request.path)"))
        }
        let plan = self.app.faults.plan(for: endpoint)
        if plan.isEmpty { return route() }
        let clock = self.app.state.clock
        if let replacement = plan.replacement {
            if replacement.kind == .reset && plan.latencyMs == 0 { return .abort }
            let response = FaultInjection.finish(FaultInjection.response(replacement), plan, now: clock.now)
            guard plan.latencyMs > 0 else { return .response(response) }
            return .async {
                try? await Task.sleep(for: .milliseconds(plan.latencyMs))
                return response
            }
        }
        let result = route()
        return .async {
            if plan.latencyMs > 0 { try? await Task.sleep(for: .milliseconds(plan.latencyMs)) }
            return FaultInjection.finish(await result.response(), plan, now: clock.now)
        }
    }

    /// The fault endpoint name and the operation for a path, or nil for an unknown path.
    private func route(_ parts: [Substring], _ request: HTTPRequest) -> (String, () -> HTTPHandlerResult)? {
        // /{tenant}/oauth2/token or /{tenant}/oauth2/v2.0/token
        if parts.count >= 3 && parts[1] == "oauth2" && request.method == "POST" {
            let v2 = parts.count == 4 && parts[2] == "v2.0" && parts[3] == "token"
            guard v2 || (parts.count == 3 && parts[2] == "token") else { return nil }
            return ("token", { .response(self.token.handle(tenant: String(parts[0]), v2: v2, request: request)) })
        }
        // /api/v1.0/{tenant}/activity/feed/…
        if parts.count >= 6 && parts[0] == "api" && (parts[1] == "v1.0" || parts[1] == "v1")
            && parts[3] == "activity" && parts[4] == "feed" {
            let rest = Array(parts[5...])
            return (ManagementRoutes.operation(rest), {
                self.management.handle(tenant: String(parts[2]), rest: rest, request: request)
            })
        }
        // /dataCollectionRules/{dcr}/streams/{stream}
        if parts.count == 4 && parts[0] == "dataCollectionRules" && parts[2] == "streams" {
            return ("ingest", {
                .response(self.app.ingestion.handle(dcr: String(parts[1]), stream: String(parts[3]), request: request))
            })
        }
        return nil
    }
}
