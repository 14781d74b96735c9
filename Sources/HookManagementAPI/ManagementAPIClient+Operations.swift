import Foundation
import HookEntraAuth
import HookRetry
import HookHTTPClient
import HookJSON

/// The outcome of a `/start` call that did not fail.
public enum StartOutcome: Sendable, Equatable {
    /// Microsoft created, re-enabled or updated the subscription.
    case started(Subscription)
    /// AF20024: already enabled with the same properties; nothing changed.
    case alreadyEnabled
}

extension ManagementAPIClient {
    /// `POST subscriptions/start`, with the webhook body when `webhook` is given (reference §3.1).
    public func start(_ contentType: String, webhook: WebhookInfo?) async throws -> StartOutcome {
        let url = self.feedURL("subscriptions/start", [("contentType", contentType)])
        do {
            let value = try await self.send("start \(contentType)", method: "POST", url: url,
                                            body: Array((webhook?.startBody ?? "").utf8)).json
            return .started(Subscription(json: value) ?? Subscription(contentType: contentType, status: "enabled", webhook: nil))
        } catch let error as ManagementAPIError where error.errorClass == .success {
            return .alreadyEnabled
        }
    }

    /// `POST subscriptions/stop` (reference §3.2).
    public func stop(_ contentType: String) async throws {
        _ = try await self.send("stop \(contentType)", method: "POST", url: self.feedURL("subscriptions/stop", [("contentType", contentType)]))
    }

    /// `GET subscriptions/list` (reference §3.3).
    public func list() async throws -> [Subscription] {
        let value = try await self.send("list", url: self.feedURL("subscriptions/list")).json
        return (value.arrayValue ?? []).compactMap(Subscription.init(json:))
    }

    /// Every blob of `contentType` created in `[start, end)`, following `NextPageUri` (or the older
    /// `NextPageUrl`, any casing) to the last page, with `PublisherIdentifier` kept on each page.
    /// Both nil lets Microsoft choose (the last 24 hours).
    public func content(_ contentType: String, start: Date? = nil, end: Date? = nil) async throws -> ContentListing {
        var query = [("contentType", contentType)]
        if let start, let end {
            query.append(("startTime", Timestamp.format(start)))
            query.append(("endTime", Timestamp.format(end)))
        }
        var url = self.feedURL("subscriptions/content", query)
        var listing = ContentListing()
        var trail = PageTrail(first: url)
        while true {
            let operation = "content \(contentType) page \(listing.pages + 1)"
            let answer = try await self.send(operation, url: url)
            listing.pages += 1
            let blobs = (answer.json.arrayValue ?? []).compactMap(ContentBlob.init(json:))
            listing.blobs += blobs
            trail.add(entries: blobs.count)
            guard let next = try self.nextPage(after: answer.response, trail: &trail, operation: operation) else { return listing }
            url = next
        }
    }

    /// `GET subscriptions/notifications`: Microsoft's delivery attempts in the window (reference §6.2).
    public func notifications(_ contentType: String, start: Date? = nil, end: Date? = nil) async throws -> [NotificationAttempt] {
        var query = [("contentType", contentType)]
        if let start, let end {
            query.append(("startTime", Timestamp.format(start)))
            query.append(("endTime", Timestamp.format(end)))
        }
        var url = self.feedURL("subscriptions/notifications", query)
        var all: [NotificationAttempt] = []
        var trail = PageTrail(first: url)
        while true {
            let answer = try await self.send("notifications \(contentType)", url: url)
            let attempts = (answer.json.arrayValue ?? []).compactMap(NotificationAttempt.init(json:))
            all += attempts
            trail.add(entries: attempts.count)
            guard let next = try self.nextPage(after: answer.response, trail: &trail, operation: "notifications") else { return all }
            url = next
        }
    }

    /// Starts a blob GET and returns once the 200 head arrived; the body streams from `response.body`.
    /// Error answers (AF20050/51/52 → ``ErrorClass/skip``) are thrown as ``ManagementAPIError``.
    public func streamBlob(_ contentURI: String, bufferBytes: Int = 1 << 20) async throws -> HTTPStreamingResponse {
        try self.checkSameOrigin(contentURI, operation: "blob")
        let url = self.withPublisher(contentURI)
        return try await self.perform("blob") { token in
            let response = try await self.http.stream(
                HTTPClientRequest(url: url, headers: ["Authorization": "Bearer \(token)", "Accept": "application/json"], kind: .blob),
                bufferBytes: bufferBytes)
            self.skew.observe(response.head.date)
            if response.status == 200 { return .done(response) }
            let body = (try? await response.body.collect(upTo: 64 << 10)) ?? []
            return .failed(ManagementAPIError(status: response.status, body: body,
                                              retryAfterHeader: response.headers["Retry-After"], operation: "blob"))
        }
    }
}

/// The result of a content listing.
public struct ContentListing: Sendable {
    /// Every blob on every page, in order.
    public var blobs: [ContentBlob] = []
    /// Pages fetched.
    public var pages = 0
}
