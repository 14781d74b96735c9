import HookHTTPServer

/// A Management Activity API error: `{"error":{"code","message"}}` (§8). HTTP statuses are
/// undocumented for most codes; the ones chosen here are noted per case.
struct APIError: Error, Sendable {
    var status: Int
    var code: String
    var message: String

    var response: HTTPResponse {
        var response = HTTPResponse.error(self.status, code: self.code, message: self.message)
        response.headers.replace("Content-Type", "application/json; charset=utf-8")
        return response
    }

    // 401 for token problems, as clients (Beats) expect: "renew token and retry" (§8).
    static let unauthorized = APIError(status: 401, code: "Unauthorized",
                                       message: "Authorization has been denied for this request.")

    /// AF10001; HTTP status undocumented, [I] 401 (harsher: naive clients renew and retry forever).
    static func permission(_ roles: [String], expected: String) -> APIError {
        APIError(status: 401, code: "AF10001",
                 message: "The permission set (\(roles.joined(separator: " "))) sent in the request does not include the expected permission \(expected).")
    }

    static func missingParameter(_ name: String) -> APIError {
        APIError(status: 400, code: "AF20001", message: "Missing parameter: \(name).")
    }

    static func invalidType(_ name: String, _ type: String) -> APIError {
        APIError(status: 400, code: "AF20002", message: "Invalid parameter type: \(name). Expected type: \(type).")
    }

    static func expirationInPast(_ value: String) -> APIError {
        APIError(status: 400, code: "AF20003", message: "Expiration \(value) provided is set to past date and time.")
    }

    static func tenantMismatch(url: String, token: String) -> APIError {
        APIError(status: 401, code: "AF20010",
                 message: "The tenant ID passed in the URL (\(url)) does not match the tenant ID passed in the access token (\(token)).")
    }

    static func tenantMissing(_ tenant: String) -> APIError {
        APIError(status: 400, code: "AF20011", message: "Specified tenant ID (\(tenant)) does not exist in the system or has been deleted.")
    }

    static let tenantNotGUID = APIError(status: 400, code: "AF20013", message: "The tenant ID passed in the URL is not a valid GUID.")

    static let invalidContentType = APIError(status: 400, code: "AF20020", message: "The specified content type is not valid.")

    static func webhookNotValidated(_ address: String, _ reason: String) -> APIError {
        APIError(status: 400, code: "AF20021", message: "The webhook endpoint {\(address)} could not be validated. \(reason)")
    }

    // One mock uses 404; 400 is the harsher guess (a client cannot confuse it with "blob gone").
    static let noSubscription = APIError(status: 400, code: "AF20022", message: "No subscription found for the specified content type.")
    // The short form seen after stop + start (§3.2), without "by {0}".
    static let subscriptionDisabled = APIError(status: 400, code: "AF20023", message: "The subscription was disabled.")
    static let alreadyEnabled = APIError(status: 400, code: "AF20024", message: "The subscription is already enabled. No property change.")

    static let badWindow = APIError(
        status: 400, code: "AF20030",
        message: "Start time and end time must both be specified (or both omitted) and must be less than or equal to 24 hours apart, with the start time no more than 7 days in the past.")
    static let startNotBeforeEnd = APIError(
        status: 400, code: "AF20055",
        message: "Start time and end time must both be specified (or both omitted) and must be less than or equal to 24 hours apart, with the start time prior to end time and start time no more than 7 days in the past.")

    static func badNextPage(_ value: String) -> APIError {
        APIError(status: 400, code: "AF20031", message: "Invalid nextPage Input: \(value).")
    }

    static func contentMissing(_ id: String) -> APIError {
        APIError(status: 404, code: "AF20050", message: "The specified content (\(id)) does not exist.")
    }

    // Status undocumented; [I] 400 is the harsher choice (not the 404 that clients skip on).
    static func contentExpired(_ id: String) -> APIError {
        APIError(status: 400, code: "AF20051",
                 message: "Content requested with the key \(id) has already expired. Content older than 7 days cannot be retrieved.")
    }

    static func contentIdInvalid(_ id: String) -> APIError {
        APIError(status: 400, code: "AF20052", message: "Content ID \(id) in the URL is invalid.")
    }

    static func throttled(status: Int, method: String, publisher: String?) -> APIError {
        APIError(status: status, code: "AF429",
                 message: "Too many requests. Method=\(method), PublisherId=\(publisher ?? "00000000-0000-0000-0000-000000000000")")
    }

    /// Only with `requirePublisherIdentifier` (a simulator setting; Microsoft has no such answer).
    static func publisherRequired(_ operation: String) -> APIError {
        APIError(status: 403, code: "PublisherIdentifierRequired",
                 message: "The \(operation) call carries no PublisherIdentifier query parameter (the simulator requires it on every call).")
    }

    static let internalError = APIError(status: 500, code: "AF50000", message: "An internal error occurred. Retry the request.")
}
