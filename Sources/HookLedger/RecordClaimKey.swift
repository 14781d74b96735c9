import Foundation
import HookRecords

/// How a record `Id` is stored in the de-duplication claims.
///
/// Microsoft's record Ids are GUIDs: kept as their 16 bytes they take less than half the space of the
/// text and compare case-insensitively for free (`ABC…` and `abc…` are the same record). Any other Id
/// is kept as its exact text, so it can never collide with a GUID's bytes.
enum RecordClaimKey: Hashable, Comparable, Sendable {
    case guid(RecordGUID)
    case text(String)

    init(_ id: String) {
        if let guid = RecordGUID(id) {
            self = .guid(guid)
        } else {
            self = .text(id)
        }
    }

    /// GUIDs first, in byte order (the order SQLite keeps blobs in), then texts.
    static func < (lhs: RecordClaimKey, rhs: RecordClaimKey) -> Bool {
        switch (lhs, rhs) {
        case (.guid(let a), .guid(let b)): a < b
        case (.guid, .text): true
        case (.text, .guid): false
        case (.text(let a), .text(let b)): a < b
        }
    }

}

/// A record to claim: its `Id` and, when it has one, its `CreationTime`.
public struct RecordClaim: Sendable, Hashable {
    /// The record's `Id`.
    public var id: String
    /// The record's `CreationTime`; nil files the claim under the claiming time.
    public var created: Date?

    /// Creates a claim.
    public init(id: String, created: Date?) {
        self.id = id
        self.created = created
    }

    /// The claim's bucket: CreationTime (or `now`) in whole minutes since 1970.
    func bucket(now: Date) -> Int64 { Int64(((self.created ?? now).timeIntervalSince1970 / 60).rounded(.down)) }
}

/// The full key of a claim: the record's creation minute, then its Id.
struct BucketedClaimKey: Hashable, Comparable, Sendable {
    let bucket: Int64
    let key: RecordClaimKey

    static func < (lhs: BucketedClaimKey, rhs: BucketedClaimKey) -> Bool {
        lhs.bucket != rhs.bucket ? lhs.bucket < rhs.bucket : lhs.key < rhs.key
    }
}

/// The claims' rules, shared by both ledgers.
///
/// - A claim says "blob B forwards record R". The first blob to claim an Id owns it; any other blob then
///   sees the record as a duplicate and suppresses it for every sink. The owner re-claiming its own Ids
///   (retry, restart after a crash) is not a duplicate, so a sink that had not accepted the blob gets them.
/// - `kill` (dead) and `expire` release the blob's claims: it will never forward those records, and a later
///   blob holding the same record must still deliver it. A `replayDead` blob claims its records afresh.
/// - Claims are pruned by the records' CreationTime (`pruneRecordClaims`); the forwarder keeps them for the
///   7-day content window plus a margin for records created well before their blob became available.
public enum RecordClaimRules {
    /// The default retention of a claim, counted from the record's CreationTime: the API's 7-day content
    /// window plus two days for records that became available long after they were created.
    public static let defaultRetention: TimeInterval = 9 * 86_400
}
