/// An ordered list of HTTP header fields with case-insensitive lookup.
///
/// HTTP field names are case-insensitive (RFC 9110 §5.1); Microsoft itself spells the same header
/// `Webhook-AuthID`, `WebHook-AuthID` and `Webhook-Authid`, so every lookup ignores ASCII case.
public struct HTTPHeaders: Sendable, Sequence, ExpressibleByDictionaryLiteral {
    public typealias Element = (name: String, value: String)
    private var fields: [Element]

    /// Creates headers from name/value pairs, keeping their order.
    public init(_ fields: [Element] = []) { self.fields = fields }

    public init(dictionaryLiteral elements: (String, String)...) {
        self.fields = elements.map { (name: $0.0, value: $0.1) }
    }

    /// The first value of the field `name`, ignoring case; nil when absent.
    public subscript(name: String) -> String? {
        self.fields.first { Self.equalsIgnoringASCIICase($0.name, name) }?.value
    }

    /// Every value of the field `name`, in order.
    public func values(_ name: String) -> [String] {
        self.fields.filter { Self.equalsIgnoringASCIICase($0.name, name) }.map(\.value)
    }

    /// How many times the field `name` occurs.
    public func count(of name: String) -> Int { self.values(name).count }

    /// Appends a field, keeping existing ones with the same name.
    public mutating func add(_ name: String, _ value: String) { self.fields.append((name: name, value: value)) }

    /// Replaces every field called `name` with one field.
    public mutating func replace(_ name: String, _ value: String) {
        self.fields.removeAll { Self.equalsIgnoringASCIICase($0.name, name) }
        self.fields.append((name: name, value: value))
    }

    public var count: Int { self.fields.count }
    public var isEmpty: Bool { self.fields.isEmpty }
    public func makeIterator() -> IndexingIterator<[Element]> { self.fields.makeIterator() }

    /// ASCII case-insensitive comparison without allocating lowercased copies.
    public static func equalsIgnoringASCIICase(_ a: String, _ b: String) -> Bool {
        var ia = a.utf8.makeIterator()
        var ib = b.utf8.makeIterator()
        while true {
            switch (ia.next(), ib.next()) {
            case (nil, nil): return true
            case let (ca?, cb?):
                if ca == cb { continue }
                let la = ca >= 0x41 && ca <= 0x5A ? ca | 0x20 : ca
                let lb = cb >= 0x41 && cb <= 0x5A ? cb | 0x20 : cb
                if la != lb { return false }
            default: return false
            }
        }
    }
}
