import Foundation

/// How a record `Id` is stored in the de-duplication claims.
///
/// Microsoft's record Ids are GUIDs: kept as their 16 bytes they take less than half the space of the
/// text and compare case-insensitively for free (`ABC…` and `abc…` are the same record). Any other Id
/// is kept as its exact text, so it can never collide with a GUID's bytes.
enum RecordClaimKey: Hashable, Sendable {
    case guid([UInt8])
    case text(String)

    init(_ id: String) {
        if id.utf8.count == 36, let uuid = UUID(uuidString: id) {
            self = .guid(withUnsafeBytes(of: uuid.uuid) { Array($0) })
        } else {
            self = .text(id)
        }
    }
}

/// The claims' rules, shared by both ledgers.
///
/// - A claim says "blob B forwards record R". The first blob to claim an Id owns it; any other blob then
///   sees the record as a duplicate and suppresses it for every sink. The owner re-claiming its own Ids
///   (retry, restart after a crash) is not a duplicate, so a sink that had not accepted the blob gets them.
/// - `kill` (dead) and `expire` release the blob's claims: it will never forward those records, and a later
///   blob holding the same record must still deliver it. A `replayDead` blob claims its records afresh.
/// - Claims are pruned by age (`pruneRecordClaims`); the forwarder keeps them for the 7-day content window
///   plus a margin.
public enum RecordClaimRules {
    /// The default retention of a claim: the API's 7-day content window plus a one-day margin.
    public static let defaultRetention: TimeInterval = 8 * 86_400
}
