/// List and composite reads used by several sections.
extension ConfigNode {
    /// Reads every element with `read`; nil if the node is not a list, if any element failed, or
    /// (with `nonEmpty`) if the list is empty. Every failing element is reported, not only the first.
    func list<T>(nonEmpty: Bool, emptyMessage: String = "must not be empty", _ read: (ConfigNode) -> T?) -> [T]? {
        guard let elements = self.list() else { return nil }
        if nonEmpty, elements.isEmpty {
            self.error(emptyMessage)
            return nil
        }
        let values = elements.map(read)
        let present = values.compactMap { $0 }
        return present.count == values.count ? present : nil
    }

    /// A list of content types (case-insensitive, normalised); duplicates are an error.
    func contentTypeList() -> [ContentType]? {
        var seen: Set<ContentType> = []
        var ok = true
        let types = self.list(nonEmpty: true) { element -> ContentType? in
            guard let type = element.choice("content type", accepted: ContentType.allCases.map(\.rawValue),
                                            parse: ContentType.init(caseInsensitive:)) else { return nil }
            if !seen.insert(type).inserted {
                element.error("duplicate content type \(type.rawValue)")
                ok = false
            }
            return type
        }
        return ok ? types : nil
    }

    /// A `host:port` listen address.
    func listenAddress() -> ListenAddress? {
        guard let text = self.string() else { return nil }
        switch ListenAddress.parse(text) {
        case .success(let address): return address
        case .failure(let failure):
            self.error("\(failure.message), got \"\(Self.truncated(text))\"")
            return nil
        }
    }

    /// An absolute URL path such as `/activity-webhook` (no query, fragment or whitespace).
    func urlPath() -> String? {
        guard let text = self.string() else { return nil }
        guard text.hasPrefix("/"), !text.contains(where: { $0.isWhitespace || $0 == "?" || $0 == "#" }),
              text.allSatisfy(\.isASCII) else {
            self.error("expected a URL path starting with /, got \"\(Self.truncated(text))\"")
            return nil
        }
        return text
    }
}
