/// What a caller should do about a failed Management API call (the error taxonomy of issue 5).
public enum ErrorClass: String, Sendable, CaseIterable {
    /// A configuration or permission problem: surface it loudly, retrying will not help.
    case fatal
    /// The subscription is missing or disabled (AF20022, AF20023): call `/start`, then retry.
    case resubscribe
    /// Throttling, internal errors, 5xx, timeouts and resets: retry with back-off.
    case retry
    /// The content cannot be fetched and never will be (AF20050, AF20051, AF20052): record it as skipped.
    case skip
    /// Not a failure at all (AF20024, "already enabled, no property change").
    case success
}

/// The taxonomy itself: one function from (HTTP status, AF code) to an ``ErrorClass``.
public enum ErrorTaxonomy {
    /// Classifies an API answer. The AF code wins over the status because Microsoft documents no
    /// per-code status (reference §8): AF429 arrives with 403 in Microsoft's own example.
    public static func classify(status: Int, code: String?) -> ErrorClass {
        switch code?.uppercased() {
        case "AF20024": return .success
        case "AF20022", "AF20023": return .resubscribe
        case "AF20050", "AF20051", "AF20052": return .skip
        case "AF429", "AF50000", "AF50005", "AF50006": return .retry
        case .some(let other) where other.hasPrefix("AF5"): return .retry
        case .some(let other) where other.hasPrefix("AF"): return .fatal
        default: break
        }
        switch status {
        case 401: return .retry          // token problems: the client refreshes the token once first
        case 404: return .skip           // a blob GET without an envelope (Beats skips any 404)
        case 408, 429, 500...599: return .retry
        default: return .fatal
        }
    }

    /// A hint for an operator about `code`, or nil when the message says enough.
    public static func hint(for code: String?) -> String? {
        switch code?.uppercased() {
        case "AF10001":
            return "grant ActivityFeed.Read / ActivityFeed.ReadDlp and admin consent (ReadDlp is needed for DLP.All)"
        case "AF20003": return "the webhook expiration is in the past"
        case "AF20010", "AF20013":
            return "tenants[i].tenantId must be the tenant the app's token is issued for"
        case "AF20011", "AF20012":
            return "the tenant does not exist or is not set up: turn unified audit logging on (it can take 60 minutes)"
        case "AF20020": return "tenants[i].contentTypes has a content type the API does not know"
        case "AF20021":
            return "Microsoft could not validate your webhook: is `activityhook serve` running and reachable at "
                + "server.publicUrl through your proxy?"
        case "AF20022": return "no subscription for this content type yet: run `activityhook register`"
        case "AF20023": return "the subscription was disabled: run `activityhook register`"
        case "AF20030", "AF20055": return "the time window is invalid: check the clock and the 24 h / 7 day limits"
        case "AF429": return "throttled by Microsoft: wait and retry (set api.publisherId to your own tenant GUID)"
        case "UNAUTHORIZED": return "the access token was refused: check tenants[i].tenantId, clientId and the credential"
        default: return nil
        }
    }
}
