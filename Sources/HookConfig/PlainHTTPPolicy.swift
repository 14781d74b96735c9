/// When an `http://` URL that carries a secret or a token is accepted (docs/plain-http.md).
///
/// The API root and login URL carry the app's credential and bearer tokens, and every HTTP sink its token,
/// key or (alert webhooks) a URL that is itself the credential. Over `http://` these travel readable to
/// anyone on the path, so such a URL is refused unless its host is a loopback address (127.0.0.0/8, `::1`,
/// `localhost`: tests, a local simulator, a sidecar) or its section sets `allowInsecureHTTP: true`.
struct PlainHTTPPolicy {
    /// What the URL carries, for the error message (e.g. "the HEC token").
    let carries: String
    /// The full key path of the switch that allows it (e.g. `sinks[2].allowInsecureHTTP`).
    let allowKey: String
    /// Whether that switch is on.
    let allowed: Bool

    /// The error for an `http://` URL to `host`, or nil when it is acceptable.
    func problem(host: String) -> String? {
        guard !self.allowed, !Self.isLoopback(host) else { return nil }
        return "http:// would send \(self.carries) unencrypted to a non-loopback host; use https://, "
            + "or set \(self.allowKey): true if the network path is trusted"
    }

    /// Whether `host` (as in a URL; IPv6 with or without brackets) names the loopback interface.
    static func isLoopback(_ host: String) -> Bool {
        var host = host.lowercased()
        if host.hasPrefix("["), host.hasSuffix("]") { host = String(host.dropFirst().dropLast()) }
        if host.hasSuffix(".") { host.removeLast() }
        if host == "localhost" { return true }
        let octets = host.split(separator: ".", omittingEmptySubsequences: false)
        if octets.count == 4, octets.allSatisfy({ $0.count <= 3 && UInt8($0) != nil }) { return octets[0] == "127" }
        return Self.ipv6Value(host) == 1
    }

    /// The last group of an IPv6 literal whose other groups are all zero (1 for `::1`); nil otherwise.
    private static func ipv6Value(_ text: String) -> UInt64? {
        guard text.contains(":"), text.count <= 45 else { return nil }
        let halves = text.components(separatedBy: "::")
        guard halves.count <= 2 else { return nil }
        func groups(_ part: String) -> [UInt16]? {
            guard !part.isEmpty else { return [] }
            let pieces = part.split(separator: ":", omittingEmptySubsequences: false)
            let values = pieces.compactMap { $0.count <= 4 ? UInt16($0, radix: 16) : nil }
            return values.count == pieces.count ? values : nil
        }
        guard let head = groups(halves[0]), let tail = halves.count == 2 ? groups(halves[1]) : [] else { return nil }
        let missing = 8 - head.count - tail.count
        guard halves.count == 2 ? missing >= 1 : missing == 0 else { return nil }
        let all = head + Array(repeating: 0, count: missing) + tail
        // Only ::1 matters: every group but the last must be zero.
        guard all.dropLast().allSatisfy({ $0 == 0 }), let last = all.last else { return nil }
        return UInt64(last)
    }
}

extension ConfigMapping {
    /// Reads this section's `allowInsecureHTTP` (default false) into a policy for a URL carrying `carries`.
    func plainHTTPPolicy(carries: String) -> PlainHTTPPolicy {
        let allowed = self.optional("allowInsecureHTTP")?.bool() ?? false
        return PlainHTTPPolicy(carries: carries, allowKey: self.path("allowInsecureHTTP"), allowed: allowed)
    }
}
