/// The rows of one request and the size of the JSON array they make.
struct IngestionRequestRows {
    var rows: [[UInt8]] = []
    var keys: [AcceptedRecordKey?] = []
    /// `[` + rows joined by `,` + `]`.
    var bodyBytes = 2

    mutating func append(_ row: [UInt8], key: AcceptedRecordKey?) {
        self.bodyBytes += row.count + (self.rows.isEmpty ? 0 : 1)
        self.rows.append(row)
        self.keys.append(key)
    }

    /// The two halves, for a 413.
    func halves() -> (IngestionRequestRows, IngestionRequestRows) {
        var first = IngestionRequestRows(), second = IngestionRequestRows()
        let middle = self.rows.count / 2
        for index in self.rows.indices {
            if index < middle { first.append(self.rows[index], key: self.keys[index]) } else { second.append(self.rows[index], key: self.keys[index]) }
        }
        return (first, second)
    }

    /// The uncompressed body.
    func body() -> [UInt8] {
        var out: [UInt8] = []
        out.reserveCapacity(self.bodyBytes)
        out.append(UInt8(ascii: "["))
        for (index, row) in self.rows.enumerated() {
            if index > 0 { out.append(UInt8(ascii: ",")) }
            out += row
        }
        out.append(UInt8(ascii: "]"))
        return out
    }
}
