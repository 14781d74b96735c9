import HookTestSupport
import HookRecords

// Feeding helpers: the same blob cut at different boundaries must always give the same records.
enum SplitterHarness {
    /// Feeds `blob` in chunks of `size` bytes, then finishes.
    static func split(_ blob: [UInt8], chunkSize size: Int,
                      limits: RecordSplitter.Limits = .init()) throws(RecordSplitError) -> [SplitRecord] {
        var boundaries: [Int] = []
        var offset = size
        while offset < blob.count { boundaries.append(offset); offset += size }
        return try self.split(blob, at: boundaries, limits: limits)
    }

    /// Feeds `blob` cut at random boundaries (chunks of 1 to `maxChunk` bytes), then finishes.
    static func split(_ blob: [UInt8], randomChunksUpTo maxChunk: Int,
                      using rng: inout SeededGenerator) throws(RecordSplitError) -> [SplitRecord] {
        var boundaries: [Int] = []
        var offset = Int.random(in: 1...maxChunk, using: &rng)
        while offset < blob.count {
            boundaries.append(offset)
            offset += Int.random(in: 1...maxChunk, using: &rng)
        }
        return try self.split(blob, at: boundaries)
    }

    /// Feeds `blob` cut at the increasing offsets `boundaries`, then finishes.
    static func split(_ blob: [UInt8], at boundaries: [Int],
                      limits: RecordSplitter.Limits = .init()) throws(RecordSplitError) -> [SplitRecord] {
        var splitter = RecordSplitter(limits: limits)
        var records: [SplitRecord] = []
        var start = 0
        for end in boundaries + [blob.count] {
            records += try splitter.feed(blob[start..<end])
            start = end
        }
        try splitter.finish()
        return records
    }

    /// The error splitting `text` in one chunk gives (from `feed` or `finish`), or nil.
    static func error(_ text: String, limits: RecordSplitter.Limits = .init()) -> RecordSplitError? {
        self.error(Array(text.utf8), limits: limits)
    }

    static func error(_ bytes: [UInt8], limits: RecordSplitter.Limits = .init()) -> RecordSplitError? {
        do {
            _ = try RecordSplitter.split(bytes, limits: limits)
            return nil
        } catch {
            return error
        }
    }
}
