/// A `host:port` socket address to listen on (`127.0.0.1:8787`, `0.0.0.0:443`, `[::1]:8787`).
public struct ListenAddress: Sendable, Hashable, CustomStringConvertible {
    /// Host name or IP literal, without the brackets of an IPv6 literal.
    public var host: String
    /// TCP port; 0 asks the kernel for a free port (useful in tests).
    public var port: Int

    /// Creates an address from parts; the config loader validates them, this init does not.
    public init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `host:port` or `[ipv6]:port`; returns nil when the text is not of that shape.
    public init?(parsing text: String) {
        guard case .success(let address) = ListenAddress.parse(text) else { return nil }
        self = address
    }

    /// `host:port`, with brackets around IPv6 literals.
    public var description: String {
        self.host.contains(":") ? "[\(self.host)]:\(self.port)" : "\(self.host):\(self.port)"
    }

    /// Parses `text`, explaining what is wrong on failure.
    static func parse(_ text: String) -> Result<ListenAddress, ParseFailure> {
        let host: Substring
        let portText: Substring
        if text.hasPrefix("[") {
            guard let close = text.firstIndex(of: "]"),
                  text[text.index(after: close)...].hasPrefix(":") else { return .failure(.shape) }
            host = text[text.index(after: text.startIndex)..<close]
            portText = text[text.index(close, offsetBy: 2)...]
            let ipv6Characters = Set("0123456789abcdefABCDEF:.")
            guard host.contains(":"), host.allSatisfy(ipv6Characters.contains) else { return .failure(.host) }
        } else {
            guard let colon = text.lastIndex(of: ":") else { return .failure(.shape) }
            host = text[..<colon]
            portText = text[text.index(after: colon)...]
            guard !host.contains(":") else { return .failure(.unbracketedIPv6) }
            guard isHostName(host) else { return .failure(.host) }
        }
        guard !portText.isEmpty, portText.count <= 5, portText.allSatisfy(\.isASCIIDigit),
              let port = Int(portText), port <= 65_535 else { return .failure(.port) }
        return .success(ListenAddress(host: String(host), port: port))
    }

    /// Host names and IPv4 literals: dot-separated labels of letters, digits and hyphens.
    private static func isHostName(_ host: Substring) -> Bool {
        guard !host.isEmpty, host.utf8.count <= 253 else { return false }
        return host.split(separator: ".", omittingEmptySubsequences: false).allSatisfy { label in
            !label.isEmpty && label.count <= 63 && !label.hasPrefix("-") && !label.hasSuffix("-")
                && label.allSatisfy { $0.isASCII && ($0.isLetter || $0.isNumber || $0 == "-") }
        }
    }

    /// Why a `host:port` string was rejected; `message` is the text shown to the user.
    enum ParseFailure: Error {
        case shape, host, unbracketedIPv6, port

        var message: String {
            switch self {
            case .shape: "expected host:port"
            case .host: "expected host:port with a valid host name or IP address"
            case .unbracketedIPv6: "expected host:port; write IPv6 addresses in brackets, e.g. [::1]:8787"
            case .port: "expected host:port with a port from 0 to 65535"
            }
        }
    }
}

extension Character {
    /// True for `0`...`9` only (not other Unicode digits).
    var isASCIIDigit: Bool { self.isASCII && self.isWholeNumber }
}
