/// One result row, copied out of a statement: values by index and by column name.
public struct SQLiteRow: Sendable, Hashable {
    /// Column names in result order (shared between the rows of one query).
    public let columns: [String]
    /// Values in column order.
    public let values: [SQLiteValue]

    /// A row with `values` for `columns`; the arrays must have the same length.
    public init(columns: [String], values: [SQLiteValue]) {
        precondition(columns.count == values.count, "SQLiteRow: \(columns.count) columns but \(values.count) values")
        self.columns = columns
        self.values = values
    }

    /// The number of columns.
    public var count: Int { self.values.count }

    /// The value of the column at `index` (0-based).
    public subscript(index: Int) -> SQLiteValue { self.values[index] }

    /// The value of the first column named `column`, or nil when the row has no such column.
    public subscript(column: String) -> SQLiteValue? {
        self.columns.firstIndex(of: column).map { self.values[$0] }
    }
}
