/// One SQLite value, as bound to a parameter or read from a column.
///
/// SQLite has five storage classes and this enum has one case for each. Literals build values directly:
/// `[42, 1.5, "text", nil]` is `[.integer(42), .real(1.5), .text("text"), .null]`.
public enum SQLiteValue: Sendable, Hashable {
    /// SQL NULL.
    case null
    /// A 64-bit signed integer.
    case integer(Int64)
    /// An IEEE 754 double. SQLite stores NaN as NULL.
    case real(Double)
    /// UTF-8 text; may contain NUL characters (bound with an explicit byte length).
    case text(String)
    /// Raw bytes; an empty array is a zero-length blob, not NULL.
    case blob([UInt8])
}

extension SQLiteValue {
    /// `.integer` from a platform integer.
    public init(_ value: Int) { self = .integer(Int64(value)) }

    /// `.blob` from any byte sequence.
    public init(bytes: some Sequence<UInt8>) { self = .blob(Array(bytes)) }

    /// True for `.null`.
    public var isNull: Bool { self == .null }

    /// The integer, or nil for any other case (no conversion).
    public var int64: Int64? {
        if case .integer(let value) = self { return value }
        return nil
    }

    /// The real, or the integer widened to a double; nil for other cases.
    public var double: Double? {
        switch self {
        case .real(let value): return value
        case .integer(let value): return Double(value)
        default: return nil
        }
    }

    /// The text, or nil for any other case (no conversion).
    public var text: String? {
        if case .text(let value) = self { return value }
        return nil
    }

    /// The bytes, or nil for any other case (no conversion).
    public var blob: [UInt8]? {
        if case .blob(let value) = self { return value }
        return nil
    }
}

extension SQLiteValue: ExpressibleByNilLiteral {
    /// `nil` is `.null`.
    public init(nilLiteral: ()) { self = .null }
}

extension SQLiteValue: ExpressibleByIntegerLiteral {
    /// An integer literal is `.integer`.
    public init(integerLiteral value: Int64) { self = .integer(value) }
}

extension SQLiteValue: ExpressibleByFloatLiteral {
    /// A floating-point literal is `.real`.
    public init(floatLiteral value: Double) { self = .real(value) }
}

extension SQLiteValue: ExpressibleByStringLiteral {
    /// A string literal is `.text`.
    public init(stringLiteral value: String) { self = .text(value) }
}

extension SQLiteValue: ExpressibleByBooleanLiteral {
    /// `true` and `false` are `.integer(1)` and `.integer(0)`, SQLite's booleans.
    public init(booleanLiteral value: Bool) { self = .integer(value ? 1 : 0) }
}
