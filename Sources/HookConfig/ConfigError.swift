/// One finding about the config, tied to the key it concerns: a problem (``ConfigIssue``) that stops
/// loading, or a warning (``ConfigWarning``) about a setting that was accepted anyway.
public struct ConfigDiagnostic: Sendable, Hashable, CustomStringConvertible {
    /// Dotted key path such as `tenants[0].clientId`; empty for findings about the file as a whole
    /// (unreadable file, YAML syntax error).
    public var keyPath: String
    /// What is wrong, e.g. `not a GUID`.
    public var message: String
    /// 1-based line in the YAML text, when known.
    public var line: Int?

    /// Creates a finding; `line` is optional because programmatic checks have no position.
    public init(keyPath: String, message: String, line: Int? = nil) {
        self.keyPath = keyPath
        self.message = message
        self.line = line
    }

    /// `keyPath: message (line N)`. Findings without a key path (file and YAML syntax problems) print
    /// just the message, which already says where the problem is.
    public var description: String {
        guard !self.keyPath.isEmpty else { return self.message }
        guard let line = self.line else { return "\(self.keyPath): \(self.message)" }
        return "\(self.keyPath): \(self.message) (line \(line))"
    }
}

/// A problem that stops the config from loading.
public typealias ConfigIssue = ConfigDiagnostic

/// A setting that is accepted but probably wrong outside tests (for example an `http://` public URL).
public typealias ConfigWarning = ConfigDiagnostic

/// The config could not be loaded. Carries every problem found, not only the first.
public struct ConfigError: Error, Sendable, CustomStringConvertible {
    /// All problems, in the order they were found (roughly document order).
    public var issues: [ConfigIssue]

    /// Creates an error from a non-empty list of issues.
    public init(issues: [ConfigIssue]) {
        self.issues = issues
    }

    /// Creates an error with a single issue.
    public init(keyPath: String, message: String, line: Int? = nil) {
        self.issues = [ConfigIssue(keyPath: keyPath, message: message, line: line)]
    }

    /// One issue per line.
    public var description: String {
        self.issues.map(\.description).joined(separator: "\n")
    }
}
