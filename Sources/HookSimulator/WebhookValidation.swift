import Foundation
import HookHTTPClient

/// The validation handshake of `/start` with a webhook (§4): a POST of `{"validationCode":…}` with
/// the `Webhook-ValidationCode` header (and `Webhook-AuthID` when set). Only exactly 200 passes.
struct WebhookValidation: Sendable {
    let state: SimulatorState
    let client: HTTPClient

    /// Nil when the endpoint answered 200; otherwise the AF20021 reason.
    func validate(address: String, authId: String?) async -> String? {
        let settings = self.state.settings
        let code = self.state.withStore { store -> String in
            store.counters.validations += 1
            return store.random.hex(32)
        }
        var headers: HTTPHeaders = ["Content-Type": "application/json; charset=utf-8", "Webhook-ValidationCode": code]
        if let authId { headers.add("Webhook-AuthID", authId) }
        let body = JSONOutput.object([("validationCode", .string(code))]).bytes
        var status = 0
        do {
            let response = try await self.client.execute(
                HTTPClientRequest(method: "POST", url: address, headers: headers, body: body,
                                  timeout: .milliseconds(Int(settings.validationTimeoutSeconds * 1000))),
                maxBodyBytes: 1 << 20)
            status = response.status
        } catch {
            status = 0
        }
        guard status == 200 else {
            self.state.withStore { $0.counters.validationsFailed += 1 }
            return "The endpoint did not return HTTP 200."
        }
        return nil
    }
}
