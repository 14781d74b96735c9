import Foundation
import HookLedger

/// `claim-bench PATH RECORDS WINDOW [SPREAD]`: claims RECORDS fresh GUID record ids in windows of WINDOW
/// through a SQLite ledger at PATH, as the forwarder does, and prints the rate. Isolates de-duplication from
/// fetching and sinks when tuning `scripts/bench forward`.
///
/// Without SPREAD, records arrive roughly in CreationTime order; with SPREAD (seconds), every record's
/// CreationTime is uniform over the same SPREAD seconds, as `activityhook-sim` makes them (the worst case).
func claimBench(_ arguments: [String]) async -> Int32 {
    guard (3...4).contains(arguments.count), let records = Int(arguments[1]), let window = Int(arguments[2]), window > 0 else {
        FileHandle.standardError.write(Data("usage: activityhook-fixture claim-bench PATH RECORDS WINDOW [SPREAD]\n".utf8))
        return 2
    }
    let spread = arguments.count == 4 ? Double(arguments[3]) : nil
    do {
        let ledger = try await SQLiteLedger.open(path: arguments[0])
        let now = Date()
        let notice = BlobNotice(tenantId: "00000000-0000-0000-0000-000000000001", contentType: "Audit.General",
                                contentId: "claim-bench", contentUri: "https://127.0.0.1:9/claim-bench",
                                contentCreated: now, contentExpiration: now.addingTimeInterval(86_400))
        _ = try await ledger.record([notice], source: .poll, at: now)
        guard let blob = try await ledger.lease(limit: 1, for: .seconds(3600), now: now).first else { return 1 }
        let started = ContinuousClock.now
        var done = 0
        while done < records {
            // Records arrive roughly in CreationTime order (Microsoft publishes blobs as activity happens):
            // 10,000 records a minute, the day's volume of a large tenant, each window within a few minutes.
            let claims = (0..<min(window, records - done)).map { index in
                RecordClaim(id: UUID().uuidString.lowercased(), created: spread.map { now.addingTimeInterval(-Double.random(in: 0...$0)) }
                                ?? now.addingTimeInterval(Double(done + index) * 0.006 - 86_400 + Double.random(in: 0...120)))
            }
            _ = try await ledger.claimRecords(claims, blobId: blob.id, now: Date())
            done += claims.count
        }
        let elapsed = ContinuousClock.now - started
        let seconds = Double(elapsed.components.seconds) + Double(elapsed.components.attoseconds) / 1e18
        print("claims=\(records) window=\(window) seconds=\(String(format: "%.3f", seconds)) claims_per_s=\(Int(Double(records) / seconds))")
        await ledger.close()
        return 0
    } catch {
        FileHandle.standardError.write(Data("claim-bench: \(error)\n".utf8))
        return 1
    }
}
