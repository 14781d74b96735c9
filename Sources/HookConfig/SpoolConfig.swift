/// The local spool between fetching and the sinks (`spool:`, docs/spool.md).
public struct SpoolConfig: Sendable {
    /// The spool's directory (`spool.path`; default: `spool` beside `state.path`). Created with mode 0700.
    public var path: String?
    /// Size at which fetching pauses until the sinks catch up (`spool.maxBytes`, bytes or a number with
    /// `KiB`, `MiB`, `GiB` (also KB/MB/GB, read as powers of 1024); default 8 GiB, at least 64 MiB).
    ///
    /// 8 GiB holds about five million audit records of 1.5 KB: several days of a busy tenant while a sink is
    /// down. Past it nothing is dropped: blobs stay queued in the ledger, and Microsoft keeps their content
    /// for 7 days, so the spool only has to cover what the 7 days do not. Size it to the disk, not the outage.
    public var maxBytes: Int64

    public static let defaultMaxBytes: Int64 = 8 << 30
    public static let minimumMaxBytes: Int64 = 64 << 20

    public init(path: String? = nil, maxBytes: Int64 = Self.defaultMaxBytes) {
        self.path = path
        self.maxBytes = maxBytes
    }

    /// The directory for a state database at `statePath`.
    public func directory(statePath: String) -> String {
        if let path { return path }
        let parent = statePath.split(separator: "/", omittingEmptySubsequences: false).dropLast().joined(separator: "/")
        return (parent.isEmpty ? "." : parent) + "/spool"
    }
}

extension ConfigSections {
    static func spool(_ m: ConfigMapping) -> SpoolConfig {
        let path = m.optional("path")?.path()
        let maxBytes = m.optional("maxBytes")?.byteSize(minimum: SpoolConfig.minimumMaxBytes) ?? SpoolConfig.defaultMaxBytes
        m.finish()
        return SpoolConfig(path: path, maxBytes: maxBytes)
    }
}

extension ConfigNode {
    /// A size in bytes: an integer, or a number followed by KiB, MiB, GiB, TiB (KB, MB, GB, TB are read as
    /// the same powers of 1024), at least `minimum`.
    func byteSize(minimum: Int64) -> Int64? {
        guard let text = self.text(expecting: "a size such as 8GiB") else { return nil }
        let trimmed = text.trimmingCharacters(in: .whitespaces)
        let units: [(String, Int64)] = [("TiB", 1 << 40), ("GiB", 1 << 30), ("MiB", 1 << 20), ("KiB", 1 << 10),
                                        ("TB", 1 << 40), ("GB", 1 << 30), ("MB", 1 << 20), ("KB", 1 << 10), ("B", 1)]
        var number = Substring(trimmed)
        var scale: Int64 = 1
        for (suffix, factor) in units where trimmed.hasSuffix(suffix) {
            number = trimmed.dropLast(suffix.count)
            scale = factor
            break
        }
        let digits = number.trimmingCharacters(in: .whitespaces)
        guard !digits.isEmpty, digits.allSatisfy(\.isASCIIDigit), let value = Int64(digits) else {
            self.error("expected a size such as 8GiB or a number of bytes, got \(Self.describeScalar(text))")
            return nil
        }
        let (bytes, overflow) = value.multipliedReportingOverflow(by: scale)
        guard !overflow else {
            self.error("size \(text) is too large")
            return nil
        }
        guard bytes >= minimum else {
            self.error("size \(text) is below the minimum of \(minimum >> 20) MiB")
            return nil
        }
        return bytes
    }
}
