/// A secret configuration value (client secret, webhook auth id, sink token).
///
/// The value never appears in `print`, string interpolation, `dump` or `debugPrint`: all of them show
/// `<redacted>`. Code that really needs the value (an HTTP client building a request) calls
/// ``reveal()``, which makes every use greppable.
public struct Secret: Sendable, Hashable {
    private let value: String

    /// Wraps a secret value read from the config, an environment variable or a `file:` secret.
    public init(_ value: String) {
        self.value = value
    }

    /// The secret value itself. Never log or print it.
    public func reveal() -> String {
        self.value
    }

    /// True when the secret is the empty string.
    public var isEmpty: Bool { self.value.isEmpty }

    /// The text every printed form of a secret shows.
    public static let redactedText = "<redacted>"
}

extension Secret: CustomStringConvertible, CustomDebugStringConvertible, CustomReflectable {
    /// Always `<redacted>`.
    public var description: String { Self.redactedText }

    /// Always `<redacted>`.
    public var debugDescription: String { Self.redactedText }

    /// A mirror with no children, so `dump` and reflection-based printers cannot reach the value.
    public var customMirror: Mirror { Mirror(self, children: [], displayStyle: .struct) }
}
