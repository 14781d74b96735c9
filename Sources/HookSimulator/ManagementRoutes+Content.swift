import Foundation
import HookHTTPServer

/// `subscriptions/content` and `subscriptions/notifications` (§6): the time-window rules,
/// `startTime <= contentCreated < endTime`, and `NextPageUri` pagination.
extension ManagementRoutes {
    /// A checked query window and the page offset.
    struct Window {
        var start: Date
        var end: Date
        var offset: Int
    }

    /// Applies §6.1: both times or neither (default: the last 24 hours), at most 24 h apart, start
    /// no more than 7 days back (AF20030; harsher: no grace), start before end (AF20055).
    func window(_ request: HTTPRequest, now: Date) throws -> Window {
        let startText = request.head.queryValue("startTime")
        let endText = request.head.queryValue("endTime")
        // Whole seconds, so that the window repeated in NextPageUri selects exactly the same blobs.
        var end = Date(timeIntervalSince1970: now.timeIntervalSince1970.rounded(.up))
        var start = end.addingTimeInterval(-86400)
        switch (startText, endText) {
        case (nil, nil): break
        case (let s?, let e?):
            guard let parsedStart = SimTime.parseQuery(s) else { throw APIError.invalidType("startTime", "datetime") }
            guard let parsedEnd = SimTime.parseQuery(e) else { throw APIError.invalidType("endTime", "datetime") }
            start = parsedStart
            end = parsedEnd
        default: throw APIError.badWindow
        }
        guard start < end else { throw APIError.startNotBeforeEnd }
        guard end.timeIntervalSince(start) <= 86400 else { throw APIError.badWindow }
        guard now.timeIntervalSince(start) <= self.state.settings.maxLookbackSeconds else { throw APIError.badWindow }
        var offset = 0
        if let token = request.head.queryValue("nextPage") {
            guard let marker = token.lastIndex(of: "R"), let value = Int(token[token.index(after: marker)...]), value >= 0 else {
                throw APIError.badNextPage(token)
            }
            offset = value
        }
        return Window(start: start, end: end, offset: offset)
    }

    func content(_ caller: Caller, _ request: HTTPRequest) throws -> HTTPResponse {
        let (type, _) = try self.contentType(caller, request)
        let key = SubscriptionKey(tenant: caller.tenant, contentType: type)
        _ = try self.enabledSubscription(key)
        let window = try self.window(request, now: self.state.clock.now)
        let (page, more, base, pageSize) = self.state.withStore { store -> ([BlobListing], Bool, String, Int) in
            let blobs = store.blobs
            let all = (store.blobOrder[key] ?? []).compactMap { blobs[$0]?.listing }
                .filter { $0.created >= window.start && $0.created < window.end }
            let size = max(1, store.settings.pageSize)
            let page = Array(all.dropFirst(window.offset).prefix(size))
            store.counters.blobsListed += page.count
            return (page, window.offset + size < all.count, store.settings.baseURL, size)
        }
        let body = JSONOutput.array(page.map { .object($0.fields(base: base)) })
        return self.page(body, more: more, next: window.offset + pageSize, window: window, operation: "content",
                         type: type, caller: caller, base: base)
    }

    func notifications(_ caller: Caller, _ request: HTTPRequest) throws -> HTTPResponse {
        let (type, _) = try self.contentType(caller, request)
        let key = SubscriptionKey(tenant: caller.tenant, contentType: type)
        _ = try self.enabledSubscription(key)
        let window = try self.window(request, now: self.state.clock.now)
        let (page, more, base, pageSize) = self.state.withStore { store -> ([NotificationEntry], Bool, String, Int) in
            let all = (store.notifications[key] ?? []).filter { $0.created >= window.start && $0.created < window.end }
            let size = max(1, store.settings.pageSize)
            return (Array(all.dropFirst(window.offset).prefix(size)), window.offset + size < all.count, store.settings.baseURL, size)
        }
        let body = JSONOutput.array(page.map { entry in
            // The failure value is undocumented (§6.2); "failed" is a guess.
            .object([
                ("contentType", .string(type.rawValue)), ("contentId", .string(entry.contentId)),
                ("contentUri", .string("\(base)/api/v1.0/\(caller.tenant)/activity/feed/audit/\(entry.contentId)")),
                ("contentCreated", .string(SimTime.iso(entry.created))),
                ("contentExpiration", .string(SimTime.iso(entry.expiration))),
                ("notificationSent", .string(SimTime.iso(entry.sent))),
                ("notificationStatus", .string(entry.success ? "success" : "failed")),
            ])
        })
        return self.page(body, more: more, next: window.offset + pageSize, window: window, operation: "notifications",
                         type: type, caller: caller, base: base)
    }

    /// A 200 page, with `NextPageUri` when more remains. The URL repeats the window (filled in
    /// when the caller gave none) and carries `nextPage`; it uses `/api/v1/` as in Microsoft's
    /// example unless configured otherwise. `PublisherIdentifier` is not repeated: clients must
    /// append it themselves (§3).
    private func page(_ body: JSONOutput, more: Bool, next: Int, window: Window, operation: String,
                      type: SimContentType, caller: Caller, base: String) -> HTTPResponse {
        var response = HTTPResponse(status: 200, headers: ["Content-Type": "application/json; charset=utf-8"], body: body.bytes)
        if more {
            let version = self.state.settings.nextPageUsesV1Path ? "v1" : "v1.0"
            let startStamp = SimTime.stamp(window.start).prefix(8)
            let url = "\(base)/api/\(version)/\(caller.tenant)/activity/feed/subscriptions/\(operation)"
                + "?contentType=\(type.rawValue)&startTime=\(SimTime.queryTime(window.start))&endTime=\(SimTime.queryTime(window.end))"
                + "&nextPage=\(startStamp)00R\(next)"
            response.headers.add("NextPageUri", url)
        }
        return response
    }
}
