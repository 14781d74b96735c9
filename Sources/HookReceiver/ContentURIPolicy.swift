/// Decides whether a notification's `contentUri` may be fetched with our bearer token.
///
/// A forged notification must never make us send the token elsewhere, so the URI must have exactly the
/// scheme, host and port of the tenant's API root, no user info, no fragment, and a path of the form
/// `/api/v1.0/{tenantId}/activity/feed/audit/{contentId}` (`/api/v1/` accepted too; the tenant GUID is
/// compared case-insensitively). A genuine element rejected here is not lost: the poller lists it later.
///
/// The URI is parsed here by hand (RFC 3986 `scheme://authority/path?query#fragment`) rather than by
/// Foundation, so that exactly these rules apply and nothing is normalised behind our back.
public struct ContentURIPolicy: Sendable {
    public let scheme: String
    public let host: String
    public let port: Int

    /// - Parameter apiRoot: e.g. `https://manage.office.com` or a simulator's `http://127.0.0.1:8900`.
    public init?(apiRoot: String) {
        guard let parts = URIParts(apiRoot), parts.userinfo == nil, !parts.host.isEmpty, let port = parts.port else { return nil }
        self.scheme = parts.scheme
        self.host = parts.host
        self.port = port
    }

    /// The accepted beginnings of a content URI for `tenantId`, lowercase: scheme, authority (with and
    /// without the explicit default port), `/api/v1.0/` or `/api/v1/`, the tenant, `/activity/feed/audit/`.
    public func prefixes(tenantId: String) -> [[UInt8]] {
        let tenant = tenantId.lowercased()
        let defaultPort = self.scheme == "https" ? 443 : 80
        let authorities = self.port == defaultPort ? [self.host, "\(self.host):\(self.port)"] : ["\(self.host):\(self.port)"]
        return authorities.flatMap { authority in
            ["/api/v1.0/", "/api/v1/"].map { Array("\(self.scheme)://\(authority)\($0)\(tenant)/activity/feed/audit/".utf8) }
        }
    }

    /// nil when acceptable, else the reason. Fast path: the URI starts (ignoring ASCII case) with one of
    /// `prefixes` and the rest is one clean path segment. Anything else takes the full parse, which
    /// names the reason (a metric label).
    public func rejection(_ uri: String, prefixes: [[UInt8]], tenantId: String) -> String? {
        let bytes = uri.utf8
        if bytes.count <= 2048 {
            for prefix in prefixes where bytes.count > prefix.count {
                guard zip(bytes, prefix).allSatisfy({ Self.lower($0) == $1 }) else { continue }
                if Self.segmentRejection(bytes.dropFirst(prefix.count)) == nil { return nil }
                break
            }
        }
        return self.rejection(uri, tenantId: tenantId)
    }

    /// nil when acceptable, else the reason (a metric label).
    public func rejection(_ uri: String, tenantId: String) -> String? {
        guard uri.utf8.count <= 2048, let parts = URIParts(uri) else { return "uri_unparsable" }
        guard parts.scheme == self.scheme else { return "uri_scheme" }
        guard parts.userinfo == nil else { return "uri_userinfo" }
        guard parts.host == self.host else { return "uri_host" }
        guard parts.port == self.port else { return "uri_port" }
        guard !parts.hasFragment else { return "uri_fragment" }
        // Compare bytes, without building the expected prefixes: /api/v1.0/ or /api/v1/, the tenant GUID
        // (ASCII case-insensitively), then /activity/feed/audit/.
        guard let content = Self.contentPart(parts.path.utf8[...], tenant: tenantId.utf8), !content.isEmpty else {
            return "uri_path"
        }
        return Self.segmentRejection(content)
    }

    /// One segment of unreserved/sub-delim characters; no '/', '\\', '..' or encoded separators and dots.
    /// A query may follow (`?…`, no fragment); nil when acceptable.
    static func segmentRejection<C: Collection<UInt8>>(_ content: C) -> String? {
        guard !content.isEmpty else { return "uri_path" }
        var previous: UInt8 = 0
        var index = content.startIndex
        while index != content.endIndex {
            let byte = content[index]
            if byte == UInt8(ascii: "?") {
                // The content id must not be empty: `…/audit/?x` names no blob (the full parse agrees).
                guard index != content.startIndex else { return "uri_path" }
                return content[index...].contains(UInt8(ascii: "#")) ? "uri_fragment" : nil
            }
            if byte == UInt8(ascii: "#") { return "uri_fragment" }
            guard URIParts.isSegmentByte(byte) else { return "uri_path" }
            if byte == UInt8(ascii: ".") && previous == UInt8(ascii: ".") { return "uri_path" }
            if byte == UInt8(ascii: "%") {
                // Encoded '/', '\\' and '.' in either case: %2f %2F %5c %5C %2e %2E.
                let rest = content[index...].dropFirst().prefix(2).map(Self.lower)
                if rest == [0x32, 0x66] || rest == [0x35, 0x63] || rest == [0x32, 0x65] { return "uri_path" }
            }
            previous = byte
            index = content.index(after: index)
        }
        return nil
    }

    /// What follows `/api/v1.0/{tenant}/activity/feed/audit/` (or `/api/v1/…`), or nil when the path differs.
    static func contentPart(_ path: Substring.UTF8View, tenant: String.UTF8View) -> Substring.UTF8View? {
        func dropPrefix(_ text: Substring.UTF8View, _ prefix: String.UTF8View) -> Substring.UTF8View? {
            guard text.count >= prefix.count else { return nil }
            let head = text.prefix(prefix.count)
            guard zip(head, prefix).allSatisfy({ Self.lower($0) == Self.lower($1) }) else { return nil }
            return text.dropFirst(prefix.count)
        }
        guard let afterVersion = dropPrefix(path, "/api/v1.0/".utf8) ?? dropPrefix(path, "/api/v1/".utf8),
              let afterTenant = dropPrefix(afterVersion, tenant),
              let content = dropPrefix(afterTenant, "/activity/feed/audit/".utf8)
        else { return nil }
        return content
    }

    static func lower(_ byte: UInt8) -> UInt8 { byte >= 0x41 && byte <= 0x5A ? byte | 0x20 : byte }
}

/// The parts of an absolute `http`/`https` URI, lowercased where case does not matter. Parsed on UTF-8
/// bytes: every delimiter is ASCII, and Character-level scanning would cost grapheme breaking per byte.
struct URIParts {
    var scheme: String
    var userinfo: String?
    var host: String
    /// Explicit port, or the scheme's default; nil when the port is not a number in 1...65535.
    var port: Int?
    var path: String
    var hasFragment: Bool

    init?(_ text: String) {
        var utf8 = text.utf8[...]
        guard let colon = utf8.firstIndex(of: UInt8(ascii: ":")),
              utf8[colon...].starts(with: "://".utf8) else { return nil }
        let scheme = String(decoding: utf8[..<colon], as: UTF8.self).lowercased()
        guard scheme == "https" || scheme == "http" else { return nil }
        utf8 = utf8[utf8.index(colon, offsetBy: 3)...]
        let authorityEnd = utf8.firstIndex { $0 == UInt8(ascii: "/") || $0 == UInt8(ascii: "?") || $0 == UInt8(ascii: "#") }
            ?? utf8.endIndex
        var authority = utf8[..<authorityEnd]
        let rest = utf8[authorityEnd...]
        if let at = authority.lastIndex(of: UInt8(ascii: "@")) {
            self.userinfo = String(decoding: authority[..<at], as: UTF8.self)
            authority = authority[authority.index(after: at)...]
        } else {
            self.userinfo = nil
        }
        var host = authority
        var port: Int? = scheme == "https" ? 443 : 80
        if let portColon = authority.lastIndex(of: UInt8(ascii: ":")), authority.last != UInt8(ascii: "]") {
            host = authority[..<portColon]
            let digits = authority[authority.index(after: portColon)...]
            if !digits.isEmpty {
                port = digits.count <= 5 && digits.allSatisfy({ $0 >= 0x30 && $0 <= 0x39 })
                    ? Int(String(decoding: digits, as: UTF8.self)).flatMap { (1...65535).contains($0) ? $0 : nil } : nil
            }
        }
        guard !host.isEmpty, host.allSatisfy({ Self.isHostByte($0) }) else { return nil }
        let fragment = rest.firstIndex(of: UInt8(ascii: "#"))
        let beforeFragment = fragment.map { rest[..<$0] } ?? rest
        let path = beforeFragment.firstIndex(of: UInt8(ascii: "?")).map { beforeFragment[..<$0] } ?? beforeFragment
        self.scheme = scheme
        self.host = String(decoding: host, as: UTF8.self).lowercased()
        self.port = port
        self.path = String(decoding: path, as: UTF8.self)
        self.hasFragment = fragment != nil
    }

    static func isHostByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "."), UInt8(ascii: "-"), UInt8(ascii: "["), UInt8(ascii: "]"), UInt8(ascii: ":"):
            return true
        default: return false
        }
    }

    /// RFC 3986 pchar: unreserved, pct-encoded, sub-delims, ':' and '@'.
    static func isSegmentByte(_ byte: UInt8) -> Bool {
        switch byte {
        case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "0")...UInt8(ascii: "9"),
             UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"), UInt8(ascii: "~"), UInt8(ascii: "%"), UInt8(ascii: "!"),
             UInt8(ascii: "$"), UInt8(ascii: "&"), UInt8(ascii: "'"), UInt8(ascii: "("), UInt8(ascii: ")"), UInt8(ascii: "*"),
             UInt8(ascii: "+"), UInt8(ascii: ","), UInt8(ascii: ";"), UInt8(ascii: "="), UInt8(ascii: ":"), UInt8(ascii: "@"):
            return true
        default: return false
        }
    }
}
