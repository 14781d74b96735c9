/// Typed scalar reads. Each returns nil after recording a message that names the key and what is wrong;
/// callers fall back to a placeholder and keep reading so that all problems are reported together.
extension ConfigNode {
    /// The scalar's text with `${…}` references expanded, or nil (mapping/list given, or a bad reference).
    /// For secrets (`echo: false`) messages never quote the text.
    func text(expecting expected: String, echo: Bool = true) -> String? {
        guard case .scalar(let scalar) = self.node else {
            self.error("expected \(expected), got \(self.shapeDescription)")
            return nil
        }
        switch EnvironmentExpansion.expand(scalar.string, environment: self.context.environment) {
        case .success(let text): return text
        case .failure(let failure):
            self.error(failure.message(echo: echo))
            return nil
        }
    }

    /// A non-empty string.
    func string() -> String? {
        guard let text = self.text(expecting: "a string") else { return nil }
        guard !text.isEmpty else {
            self.error("must not be empty")
            return nil
        }
        return text
    }

    /// A decimal integer within `range`; a string such as `eight` is reported as the wrong type.
    func int(in range: ClosedRange<Int>) -> Int? {
        guard let text = self.text(expecting: "an integer") else { return nil }
        let digits = text.hasPrefix("-") ? text.dropFirst() : Substring(text)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit) else {
            self.error("expected an integer, got \(Self.describeScalar(text))")
            return nil
        }
        guard let value = Int(text) else {
            self.error("number \(Self.truncated(text)) is too large")
            return nil
        }
        guard range.contains(value) else {
            self.error(Self.rangeMessage(range, got: String(value)))
            return nil
        }
        return value
    }

    /// `true` or `false` (any letter case).
    func bool() -> Bool? {
        guard let text = self.text(expecting: "true or false") else { return nil }
        switch text.lowercased() {
        case "true": return true
        case "false": return false
        default:
            self.error("expected true or false, got \(Self.describeScalar(text))")
            return nil
        }
    }

    /// A duration (`30s`, `5m`, `1h30m`, bare seconds) no shorter than `minimum` and no longer than `maximum`.
    func duration(minimum: Duration, maximum: Duration) -> Duration? {
        guard let text = self.text(expecting: "a duration") else { return nil }
        guard let duration = ConfigDuration.parse(text) else {
            self.error("expected a duration such as 30s, 5m, 1h30m or a number of seconds, got \(Self.describeScalar(text))")
            return nil
        }
        if duration < minimum {
            self.error("must be at least \(ConfigDuration.format(minimum)), got \(ConfigDuration.format(duration))")
            return nil
        }
        if duration > maximum {
            self.error("must be at most \(ConfigDuration.format(maximum)), got \(ConfigDuration.format(duration))")
            return nil
        }
        return duration
    }

    /// One of a fixed set of words, matched by `parse`; the message lists the accepted words.
    func choice<T>(_ what: String, accepted: [String], parse: (String) -> T?) -> T? {
        guard let text = self.text(expecting: what) else { return nil }
        guard let value = parse(text) else {
            let list = accepted.joined(separator: ", ")
            self.error("unknown \(what) \"\(Self.truncated(text))\" (expected one of \(list))")
            return nil
        }
        return value
    }

    /// A GUID (`8-4-4-4-12` hex digits), returned lowercase.
    func guid() -> String? {
        guard let text = self.string() else { return nil }
        guard ConfigValidation.isGUID(text) else {
            self.error("not a GUID (expected xxxxxxxx-xxxx-xxxx-xxxx-xxxxxxxxxxxx), got \(Self.describeScalar(text))")
            return nil
        }
        return text.lowercased()
    }

    /// How a scalar looks, for type errors: `a string ("eight")`, `a number (8.5)`, `a boolean (true)`.
    static func describeScalar(_ text: String) -> String {
        let shown = Self.truncated(text)
        if ["true", "false", "yes", "no", "on", "off"].contains(text.lowercased()) { return "a boolean (\(shown))" }
        if Double(text) != nil { return "a number (\(shown))" }
        if text.isEmpty { return "an empty string" }
        return "a string (\"\(shown)\")"
    }

    static func rangeMessage(_ range: ClosedRange<Int>, got: String) -> String {
        range.upperBound == Int.max
            ? "must be at least \(range.lowerBound), got \(got)"
            : "must be between \(range.lowerBound) and \(range.upperBound), got \(got)"
    }
}
