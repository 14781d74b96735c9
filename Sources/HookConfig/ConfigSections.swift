/// Turns the YAML tree into an ``ActivityHookConfig``, one reader per section.
///
/// Readers record every problem in the ``ConfigContext`` and return placeholders so reading goes on;
/// the loader throws if any problem was recorded, so a placeholder never reaches a caller.
enum ConfigSections {
    /// Reads the whole document; nil when a required section could not be read at all.
    static func root(_ root: ConfigNode) -> ActivityHookConfig? {
        guard let m = root.mapping() else { return nil }
        let server = m.required("server")?.mapping().map(Self.server)
        let state = m.required("state")?.mapping().map(Self.state)
        let api = m.optional("api")?.mapping().map(Self.api) ?? APIConfig()
        let tenants = m.required("tenants").flatMap(Self.tenants)
        let workers = m.optional("workers")?.mapping().map(Self.workers) ?? WorkersConfig()
        let poller = m.optional("poller")?.mapping().map(Self.poller) ?? PollerConfig()
        let sinks = m.required("sinks").flatMap { Self.sinks($0, tenants: tenants) }
        let spool = m.optional("spool")?.mapping().map(Self.spool) ?? SpoolConfig()
        m.finish()
        guard let server, let state, let tenants, let sinks else { return nil }
        return ActivityHookConfig(server: server, state: state, api: api, tenants: tenants, workers: workers,
                                  poller: poller, sinks: sinks, spool: spool, baseDirectory: root.context.baseDirectory)
    }

    /// Reports each item whose key repeats an earlier item's key, at `<element>.<field>`.
    /// `message` gets the repeated key and the key path of the first item. Returns true if any repeated.
    static func reportDuplicates<T>(
        _ items: [T], at elements: [ConfigNode], field: String, key: (T) -> String?,
        message: (String, String) -> String
    ) -> Bool {
        var firstIndex: [String: Int] = [:]
        var found = false
        for (index, item) in items.enumerated() {
            guard let value = key(item), index < elements.count else { continue }
            if let first = firstIndex[value] {
                let element = elements[index]
                element.context.error("\(element.keyPath).\(field)", message(value, elements[first].keyPath),
                                      line: element.line)
                found = true
            } else {
                firstIndex[value] = index
            }
        }
        return found
    }
}
