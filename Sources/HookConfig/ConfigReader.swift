import Yams

/// Shared state of one load: the environment, the base directory, and every problem found so far.
///
/// Readers never stop at the first problem; they record it here and carry on with a placeholder, so
/// one run of `check-config` reports everything that is wrong.
final class ConfigContext {
    let environment: [String: String]
    /// Absolute directory that relative paths resolve against.
    let baseDirectory: String
    private(set) var issues: [ConfigIssue] = []
    private(set) var warnings: [ConfigWarning] = []

    init(environment: [String: String], baseDirectory: String) {
        self.environment = environment
        self.baseDirectory = baseDirectory
    }

    func error(_ keyPath: String, _ message: String, line: Int? = nil) {
        self.issues.append(ConfigIssue(keyPath: keyPath, message: message, line: line))
    }

    func warn(_ keyPath: String, _ message: String, line: Int? = nil) {
        self.warnings.append(ConfigWarning(keyPath: keyPath, message: message, line: line))
    }
}

/// A YAML node together with the key path that led to it, so every message can name its key.
struct ConfigNode {
    let node: Node
    let keyPath: String
    let context: ConfigContext

    /// 1-based source line, when the node came from text.
    var line: Int? { self.node.mark?.line }

    func error(_ message: String) { self.context.error(self.keyPath, message, line: self.line) }
    func warn(_ message: String) { self.context.warn(self.keyPath, message, line: self.line) }

    /// True for YAML's plain nulls (`~`, `null`, or nothing at all), which count as "not set".
    var isNull: Bool {
        guard case .scalar(let scalar) = self.node, scalar.style == .plain || scalar.style == .any else {
            return false
        }
        return ["", "~", "null", "Null", "NULL"].contains(scalar.string)
    }

    /// How the node looks, for "expected X, got Y" messages.
    var shapeDescription: String {
        switch self.node {
        case .mapping: "a mapping"
        case .sequence: "a list"
        case .alias: "an alias"
        case .scalar(let scalar): "\"\(Self.truncated(scalar.string))\""
        }
    }

    /// Shortens user text quoted in messages so a huge value cannot flood the output.
    static func truncated(_ text: String) -> String {
        text.count <= 60 ? text : String(text.prefix(57)) + "..."
    }

    /// The node as a mapping, or nil after recording "expected a mapping".
    func mapping() -> ConfigMapping? {
        guard case .mapping(let mapping) = self.node else {
            self.error("expected a mapping, got \(self.shapeDescription)")
            return nil
        }
        return ConfigMapping(mapping, owner: self)
    }

    /// The node's elements with their `[i]` key paths, or nil after recording "expected a list".
    func list() -> [ConfigNode]? {
        guard case .sequence(let sequence) = self.node else {
            self.error("expected a list, got \(self.shapeDescription)")
            return nil
        }
        return sequence.enumerated().map { index, element in
            ConfigNode(node: element, keyPath: "\(self.keyPath)[\(index)]", context: self.context)
        }
    }
}

/// A YAML mapping being read: it remembers which keys were asked for, so that ``finish()`` can
/// report every other key as unknown (a typo must never be silently ignored).
final class ConfigMapping {
    let owner: ConfigNode
    private var entries: [(key: String, value: Node)] = []
    private var asked: [String] = []

    init(_ mapping: Node.Mapping, owner: ConfigNode) {
        self.owner = owner
        self.collect(mapping, depth: 0)
    }

    /// Gathers the keys; YAML merge keys (`<<: *defaults`) add the keys the mapping does not set itself.
    private func collect(_ mapping: Node.Mapping, depth: Int) {
        var merges: [Node] = []
        for (keyNode, value) in mapping {
            guard case .scalar(let key) = keyNode else {
                self.owner.context.error(self.owner.keyPath, "keys must be plain strings", line: keyNode.mark?.line)
                continue
            }
            if key.string == "<<", key.style == .plain {
                merges.append(value)
            } else if !self.entries.contains(where: { $0.key == key.string }) {
                self.entries.append((key.string, value))
            }
        }
        // Merged mappings can merge again; the depth cap keeps a hostile file from recursing forever.
        guard depth < 8 else { return }
        for merge in merges {
            switch merge {
            case .mapping(let merged): self.collect(merged, depth: depth + 1)
            case .sequence(let list):
                for case .mapping(let merged) in list { self.collect(merged, depth: depth + 1) }
            default: self.owner.context.error(self.path("<<"), "a merge key needs a mapping", line: merge.mark?.line)
            }
        }
    }

    var keyPath: String { self.owner.keyPath }

    /// Key path of a child key.
    func path(_ key: String) -> String {
        self.keyPath.isEmpty ? key : "\(self.keyPath).\(key)"
    }

    /// Records an issue about the mapping as a whole (e.g. two keys that exclude each other).
    func error(_ message: String) { self.owner.error(message) }

    /// The value of `key`, or nil when it is absent or null. Marks the key as known.
    func optional(_ key: String) -> ConfigNode? {
        self.asked.append(key)
        guard let value = self.entries.first(where: { $0.key == key })?.value else { return nil }
        let node = ConfigNode(node: value, keyPath: self.path(key), context: self.owner.context)
        return node.isNull ? nil : node
    }

    /// The value of `key`, or nil after recording that the required key is missing.
    func required(_ key: String) -> ConfigNode? {
        guard let node = self.optional(key) else {
            self.owner.context.error(self.path(key), "required key is missing", line: self.owner.line)
            return nil
        }
        return node
    }

    /// Reports every key that no reader asked for, suggesting the nearest known key for typos.
    func finish() {
        for (key, value) in self.entries where !self.asked.contains(key) {
            var message = "unknown key"
            if let suggestion = KeySuggestion.nearest(to: key, among: self.asked) {
                message += " (did you mean \"\(suggestion)\"?)"
            }
            self.owner.context.error(self.path(key), message, line: value.mark?.line)
        }
    }
}
