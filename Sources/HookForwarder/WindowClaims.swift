import Foundation
import HookLedger

/// Claims one window's records and decides which are duplicates (issue 13 §4, docs/spool.md).
///
/// A record is dropped only when another blob's copy is durably past the point of no return (spooled, or
/// delivered by the current forwarder), never for a copy that is still on its way: those owners answer
/// ``ClaimVerdict/ownerInFlight`` and are asked again every `pause`, for at most `patience`. An owner that
/// is still in flight after that (stalled between its claim and its spool) is not trusted: this blob keeps
/// the record, a possible duplicate and never a loss.
struct WindowClaims: Sendable {
    let ledger: any Ledger
    /// How long to wait for owners in flight (default 2 s: an owner's window takes milliseconds).
    var patience: Duration = .seconds(2)
    var pause: Duration = .milliseconds(10)

    /// The first answer per record; owners in flight are left for ``resolve(_:blobId:now:)``, which the caller
    /// runs only after it has made its own fresh records durable and said so: two blobs waiting on each
    /// other's claims would otherwise wait out their patience and both keep the records.
    func claim(_ claims: [RecordClaim], blobId: Int64, now: Date) async throws -> [ClaimVerdict] {
        try await self.ledger.claimForSpool(claims, blobId: blobId, now: now)
    }

    /// Asks again about records whose owner was in flight until each is settled or the patience ends; per
    /// record, true when it is a duplicate to drop.
    func resolve(_ claims: [RecordClaim], blobId: Int64, now: @Sendable () -> Date) async throws -> [Bool] {
        var verdicts = [ClaimVerdict](repeating: .ownerInFlight, count: claims.count)
        let deadline = ContinuousClock.now.advanced(by: self.patience)
        repeat {
            let again = verdicts.indices.filter { verdicts[$0] == .ownerInFlight }
            let answers = try await self.ledger.claimForSpool(again.map { claims[$0] }, blobId: blobId, now: now())
            for (index, verdict) in zip(again, answers) { verdicts[index] = verdict }
            guard verdicts.contains(.ownerInFlight), ContinuousClock.now < deadline else { break }
            try await Task.sleep(for: self.pause)
        } while true
        return verdicts.map { $0 == .duplicate }
    }
}
