internal import CSQLite

// Column accessors read the current row, after step() returned true. Like SQLite's own accessors they
// convert between storage classes (NULL reads as 0, "" or []); use isNull(at:) or value(at:) to tell.
extension SQLiteStatement {
    /// The number of columns in the result (0 for statements that return no data).
    public var columnCount: Int {
        guard let stmt = self.stmt else { return 0 }
        return Int(sqlite3_column_count(stmt))
    }

    /// The name of the column at `index` (0-based): its `AS` alias, or SQLite's choice.
    public func columnName(at index: Int) -> String {
        guard let stmt = self.stmt, let name = sqlite3_column_name(stmt, Int32(clamping: index)) else { return "" }
        return String(cString: name)
    }

    /// True when the column at `index` of the current row is NULL.
    public func isNull(at index: Int) -> Bool {
        guard let stmt = self.stmt else { return true }
        return sqlite3_column_type(stmt, Int32(clamping: index)) == SQLITE_NULL
    }

    /// The column at `index` as an integer (NULL reads as 0).
    public func int64(at index: Int) -> Int64 {
        guard let stmt = self.stmt else { return 0 }
        return sqlite3_column_int64(stmt, Int32(clamping: index))
    }

    /// The column at `index` as a double (NULL reads as 0.0).
    public func double(at index: Int) -> Double {
        guard let stmt = self.stmt else { return 0 }
        return sqlite3_column_double(stmt, Int32(clamping: index))
    }

    /// The column at `index` as UTF-8 text, embedded NULs included (NULL reads as "").
    public func text(at index: Int) -> String {
        guard let stmt = self.stmt else { return "" }
        let column = Int32(clamping: index)
        // "call sqlite3_column_text() first to force the result into the desired format, then invoke
        // sqlite3_column_bytes() to find the size of the result" (SQLite docs).
        guard let text = sqlite3_column_text(stmt, column) else { return "" }
        let count = Int(sqlite3_column_bytes(stmt, column))
        return String(decoding: UnsafeBufferPointer(start: text, count: count), as: UTF8.self)
    }

    /// The column at `index` as bytes (NULL and zero-length blobs read as []).
    public func blob(at index: Int) -> [UInt8] {
        guard let stmt = self.stmt else { return [] }
        let column = Int32(clamping: index)
        // sqlite3_column_blob returns NULL for a zero-length blob.
        guard let bytes = sqlite3_column_blob(stmt, column) else { return [] }
        let count = Int(sqlite3_column_bytes(stmt, column))
        return Array(UnsafeRawBufferPointer(start: bytes, count: count))
    }

    /// The column at `index` as the value SQLite stored, with no conversion.
    public func value(at index: Int) -> SQLiteValue {
        guard let stmt = self.stmt else { return .null }
        switch sqlite3_column_type(stmt, Int32(clamping: index)) {
        case SQLITE_INTEGER: return .integer(self.int64(at: index))
        case SQLITE_FLOAT: return .real(self.double(at: index))
        case SQLITE_TEXT: return .text(self.text(at: index))
        case SQLITE_BLOB: return .blob(self.blob(at: index))
        default: return .null
        }
    }

    /// The names of all result columns, in order.
    public var columnNames: [String] {
        (0..<self.columnCount).map { self.columnName(at: $0) }
    }

    /// The current row, copied out of the statement.
    public func row() -> SQLiteRow { self.row(columns: self.columnNames) }

    /// The current row with column names the caller already read (one array shared by all rows of a query).
    func row(columns: [String]) -> SQLiteRow {
        SQLiteRow(columns: columns, values: (0..<columns.count).map { self.value(at: $0) })
    }
}
