import Foundation

/// Pure checks of single values, shared by the section readers.
enum ConfigValidation {
    /// `xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx` with hex digits in either case.
    static func isGUID(_ text: String) -> Bool {
        let groups = text.split(separator: "-", omittingEmptySubsequences: false)
        guard groups.map(\.count) == [8, 4, 4, 4, 12] else { return false }
        return groups.allSatisfy { $0.allSatisfy(\.isHexDigit) && $0.allSatisfy(\.isASCII) }
    }

    /// `dcr-` followed by 32 hex digits (a data collection rule's immutable id).
    static func isDCRImmutableId(_ text: String) -> Bool {
        let lowered = text.lowercased()
        guard lowered.hasPrefix("dcr-") else { return false }
        let hex = lowered.dropFirst(4)
        return hex.count == 32 && hex.allSatisfy { $0.isASCII && $0.isHexDigit }
    }

    /// Sink names: a letter or digit, then letters, digits, `_`, `.`, `-`; at most 64 characters.
    /// They end up in metric labels and state keys, so they are kept to a safe alphabet.
    static func isSinkName(_ text: String) -> Bool {
        guard let first = text.first, first.isASCII, first.isLetter || first.isNumber, text.count <= 64 else {
            return false
        }
        return text.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || "_.-".contains($0)) }
    }

    /// Printable ASCII only, as an HTTP header value must be.
    static func isHeaderSafe(_ value: String) -> Bool {
        value.utf8.allSatisfy { $0 >= 0x20 && $0 < 0x7F }
    }

    /// Makes `path` absolute against `base` and removes `.`/`..` components.
    static func resolve(path: String, against base: String) -> String {
        let joined = path.hasPrefix("/") ? path : base + "/" + path
        var components: [Substring] = []
        for component in joined.split(separator: "/") {
            switch component {
            case ".": continue
            case "..": _ = components.popLast()
            default: components.append(component)
            }
        }
        return "/" + components.joined(separator: "/")
    }

    /// Why a URL was rejected.
    enum URLProblem: Error {
        case notURL, scheme, host

        var message: String {
            switch self {
            case .notURL: "not a valid URL"
            case .scheme: "expected an https:// URL"
            case .host: "URL has no host"
            }
        }
    }

    /// Checks an absolute http(s) URL with a host; returns the lowercased scheme and the host.
    static func checkURL(_ text: String) -> Result<(scheme: String, host: String), URLProblem> {
        guard !text.contains(where: { $0.isWhitespace || ($0.asciiValue.map { $0 < 0x20 || $0 == 0x7F } ?? false) }),
              let components = URLComponents(string: text), let scheme = components.scheme?.lowercased()
        else { return .failure(.notURL) }
        guard scheme == "https" || scheme == "http" else { return .failure(.scheme) }
        guard let host = components.host, !host.isEmpty else { return .failure(.host) }
        return .success((scheme, host))
    }
}

/// "Did you mean" suggestions for unknown keys.
enum KeySuggestion {
    /// The known key closest to `key`, ignoring case, if it is within one edit (two for keys of six or
    /// more characters; shorter keys would match unrelated short keys such as `api`).
    static func nearest(to key: String, among known: [String]) -> String? {
        let lowered = Array(key.lowercased())
        guard lowered.count <= 64 else { return nil }
        let scored = known.map { ($0, distance(lowered, Array($0.lowercased()))) }
        let limit = lowered.count >= 6 ? 2 : 1
        guard let best = scored.min(by: { $0.1 < $1.1 }), best.1 <= limit else { return nil }
        return best.0
    }

    /// Levenshtein distance.
    private static func distance(_ a: [Character], _ b: [Character]) -> Int {
        var previous = Array(0...b.count)
        for (i, ca) in a.enumerated() {
            var current = [i + 1]
            for (j, cb) in b.enumerated() {
                current.append(min(previous[j + 1] + 1, current[j] + 1, previous[j] + (ca == cb ? 0 : 1)))
            }
            previous = current
        }
        return previous[b.count]
    }
}
