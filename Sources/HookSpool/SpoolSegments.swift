import Foundation
import Logging

/// Segment files: naming, creation, recovery at open, deletion of spent ones.
///
/// A segment is `<first sequence, 20 digits>.seg` in the spool directory, mode 0600. Only the newest
/// segment takes appends; an older one is complete (it was synced before the next was created).
enum SpoolSegments {
    static func name(first: UInt64) -> String {
        let digits = String(first)
        return String(repeating: "0", count: max(0, 20 - digits.count)) + digits + ".seg"
    }

    static func path(_ directory: String, first: UInt64) -> String { directory + "/" + Self.name(first: first) }

    /// The segments in `directory`, oldest first.
    static func list(_ directory: String) throws(SpoolError) -> [UInt64] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw SpoolError(.io, "cannot list \(directory): \(error)")
        }
        return names.compactMap { name in
            guard name.hasSuffix(".seg"), name.count == 24 else { return nil }
            return UInt64(name.prefix(20))
        }.sorted()
    }

    /// Creates a segment whose first entry will be `first`: header written and synced, directory synced.
    static func create(in directory: String, first: UInt64) throws(SpoolError) -> Spool.ActiveSegment {
        let path = Self.path(directory, first: first)
        let file = try SpoolFile(creating: path)
        let header = SegmentScanner.header(first: first)
        try file.write(header, at: 0)
        try file.sync()
        try SpoolFile.syncDirectory(directory)
        return Spool.ActiveSegment(file: file, first: first, size: header.count)
    }

    /// Deletes the segment starting at `first`, then syncs the directory.
    static func delete(in directory: String, first: UInt64) throws(SpoolError) {
        let path = Self.path(directory, first: first)
        guard unlink(path) == 0 || errno == ENOENT else { throw SpoolError.posix("delete", path) }
        try SpoolFile.syncDirectory(directory)
    }
}

extension Spool {
    /// Opens (or creates) the spool in `configuration.directory`.
    ///
    /// The newest segment is read to its end: a frame cut short, failing its checksum or out of sequence is
    /// a torn append from before a crash (its caller never got an answer), and it and everything after it are
    /// cut. Older segments were complete when the next one was created. `minimumNext` is the highest cursor
    /// the ledger holds: a spool whose end is below it was lost or replaced, and its sequence restarts there
    /// so no cursor ever points past new entries (``SpoolRecovery/lost``).
    public static func open(_ configuration: SpoolConfiguration, minimumNext: UInt64 = 0, logger: Logger) async throws -> Spool {
        // Blocking file IO: off the cooperative pool.
        try await withCheckedThrowingContinuation { continuation in
            DispatchQueue(label: "activityhook.spool.open").async {
                continuation.resume(with: Result { try Self.openNow(configuration, minimumNext: minimumNext, logger: logger) })
            }
        }
    }

    static func openNow(_ configuration: SpoolConfiguration, minimumNext: UInt64, logger: Logger) throws -> Spool {
        let directory = configuration.directory
        if !FileManager.default.fileExists(atPath: directory) {
            guard mkdir(directory, 0o700) == 0 || errno == EEXIST else { throw SpoolError.posix("create directory", directory) }
        }
        var firsts = try SpoolSegments.list(directory)
        var segments: [(first: UInt64, bytes: Int)] = []
        for first in firsts.dropLast() {
            let size = try SpoolFile(path: SpoolSegments.path(directory, first: first), writable: false).size
            segments.append((first, size))
        }
        var recovery = SpoolRecovery(cutBytes: 0, entries: 0, lost: false)
        var active: ActiveSegment
        var end: UInt64
        if let last = firsts.last {
            let file = try SpoolFile(path: SpoolSegments.path(directory, first: last), writable: true)
            var scanner = try SegmentScanner(file: file)
            while try scanner.next() != nil {}
            let size = try file.size
            if scanner.validEnd < size {
                recovery.cutBytes = size - scanner.validEnd
                try file.truncate(to: scanner.validEnd)
                try file.sync()
                logger.warning("spool: cut a torn tail left by a crash", metadata: [
                    "segment": "\(file.path)", "bytes": "\(recovery.cutBytes)"])
            }
            end = scanner.expected
            active = ActiveSegment(file: file, first: last, size: scanner.validEnd)
            segments.append((last, scanner.validEnd))
        } else {
            end = minimumNext
            active = try SpoolSegments.create(in: directory, first: end)
            segments.append((end, active.size))
            firsts = [end]
        }
        if end < minimumNext {
            recovery.lost = true
            logger.error("spool: the ledger's cursors are past the spool's end; the spool was lost or replaced", metadata: [
                "spoolEnd": "\(end)", "cursor": "\(minimumNext)"])
            end = minimumNext
            active = try SpoolSegments.create(in: directory, first: end)
            segments.append((end, active.size))
        }
        let first = segments.first?.first ?? end
        recovery.entries = end - min(end, first)
        let state = State(first: first, end: end, segments: segments)
        return Spool(configuration: configuration, state: state, active: active, recovery: recovery, logger: logger)
    }

    /// Deletes every segment whose entries are all below `sequence` (the lowest sink cursor), never the
    /// active one. Returns how many were deleted.
    @discardableResult
    public func release(below sequence: UInt64) async throws -> Int {
        try await withCheckedThrowingContinuation { continuation in
            self.queue.async {
                do {
                    var deleted = 0
                    while true {
                        let spent = self.state.withLock { state -> UInt64? in
                            guard state.segments.count > 1, state.segments[1].first <= sequence else { return nil }
                            return state.segments[0].first
                        }
                        guard let spent else { break }
                        try SpoolSegments.delete(in: self.configuration.directory, first: spent)
                        self.state.withLock { state in
                            state.segments.removeFirst()
                            state.first = state.segments[0].first
                        }
                        deleted += 1
                    }
                    continuation.resume(returning: deleted)
                } catch {
                    continuation.resume(throwing: error)
                }
            }
        }
    }
}
