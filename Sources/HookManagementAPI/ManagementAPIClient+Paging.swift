import HookHTTPClient

/// Following `NextPageUri` without trusting it to end (docs/small-hardening.md, "Listings").
///
/// A server that answers with a page already listed would make the listing loop forever, and one that
/// keeps inventing new pages would grow it without bound. Both end the listing with a ``ErrorClass/retry``
/// error, so the window is listed again later and its watermark does not move.
extension ManagementAPIClient {
    /// Most pages one listing follows. Microsoft's pages hold hundreds of blobs, so real windows stay far
    /// below; 5,000 pages would already be two and a half minutes of the 2,000 calls per minute.
    public static let maxListingPages = 5_000
    /// Most blobs one listing collects (about 250 MB of parsed entries at the worst).
    public static let maxListingEntries = 500_000

    /// The pages a listing has fetched: their URLs (with `PublisherIdentifier`) and the entries so far.
    struct PageTrail {
        fileprivate var visited: Set<String>
        private(set) var entries = 0

        init(first url: String) { self.visited = [url] }

        var pages: Int { self.visited.count }

        mutating func add(entries count: Int) {
            let (sum, overflow) = self.entries.addingReportingOverflow(count)
            self.entries = overflow ? .max : sum
        }
    }

    /// The URL of the page after `response`, or nil on the last page. Throws when the next page is one
    /// already fetched, is outside the API root, or would pass ``maxListingPages`` or ``maxListingEntries``.
    func nextPage(after response: HTTPClientResponse, trail: inout PageTrail, operation: String) throws -> String? {
        guard let next = response.headers["NextPageUri"] ?? response.headers["NextPageUrl"], !next.isEmpty else { return nil }
        try self.checkSameOrigin(next, operation: operation)
        let url = self.withPublisher(next)
        let problem: String? =
            if trail.pages >= Self.maxListingPages { "NextPageUri goes on past \(Self.maxListingPages) pages" }
            else if trail.entries >= Self.maxListingEntries { "the listing passes \(Self.maxListingEntries) entries" }
            else if !trail.insert(url) { "NextPageUri repeats a page already listed (a cycle)" }
            else { nil }
        if let problem {
            throw ManagementAPIError(status: 0, code: nil, message: "\(problem); the listing ends here and is retried later",
                                     operation: operation, errorClass: .retry)
        }
        return url
    }
}

extension ManagementAPIClient.PageTrail {
    /// Records `url` as fetched; false when it already was.
    fileprivate mutating func insert(_ url: String) -> Bool { self.visited.insert(url).inserted }
}
