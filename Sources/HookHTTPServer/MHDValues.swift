internal import CHookShim
internal import CMicroHTTPD

/// Reads request headers and query arguments out of an MHD connection.
enum MHDValues {
    /// Collector passed as the iterator's `cls`; the iteration is synchronous, so a pointer to a
    /// local is valid for its whole duration.
    private typealias Pairs = [(name: String, value: String)]

    static func headers(_ connection: OpaquePointer) -> HTTPHeaders {
        HTTPHeaders(self.values(connection, MHD_ValueKind.HEADER_KIND))
    }

    static func query(_ connection: OpaquePointer) -> [(name: String, value: String)] {
        self.values(connection, MHD_ValueKind.GET_ARGUMENT_KIND)
    }

    private static func values(_ connection: OpaquePointer, _ kind: MHD_ValueKind) -> Pairs {
        var pairs: Pairs = []
        withUnsafeMutablePointer(to: &pairs) { pointer in
            _ = MHD_get_connection_values(connection, kind, { cls, _, key, value in
                guard let cls, let key else { return MHD_Result.YES }
                let pairs = cls.assumingMemoryBound(to: Pairs.self)
                pairs.pointee.append((name: String(cString: key), value: value.map { String(cString: $0) } ?? ""))
                return MHD_Result.YES
            }, pointer)
        }
        return pairs
    }
}
