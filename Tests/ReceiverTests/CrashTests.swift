import Foundation
import HookHTTPClient
import HookSQLite
import HookTestSupport
import Synchronization
import Testing

/// `activityhook serve` killed with SIGKILL while 16 connections flood it: every blob whose
/// notification got a 200 must be in the ledger after the restart.
@Suite("Crash safety of the receiver (built binary, SIGKILL)")
struct CrashTests {
    let tenant = "11111111-2222-3333-4444-555555555555"
    let auth = "test-auth-id-0123456789"

    private func start(_ config: String) async throws -> (ChildProcess, UInt16) {
        let child = try ChildProcess(try TestBinaries.require("activityhook"), ["serve", "--config", config, "--log-level", "error"])
        let ready = try #require(await child.waitForLine { $0.hasPrefix("activityhook ready") })
        let listen = ready.split(separator: " ").first { $0.hasPrefix("listen=") }!
        return (child, UInt16(listen.split(separator: ":").last!)!)
    }

    private func body(_ ids: [String]) -> [UInt8] {
        let dates = NoticeDates.current()
        let elements = ids.map { id in
            #"{"tenantId":"\#(self.tenant)","clientId":"c","contentType":"Audit.General","contentId":"\#(id)","#
                + #""contentUri":"https://manage.office.com/api/v1.0/\#(self.tenant)/activity/feed/audit/\#(id)","#
                + #""contentCreated":"\#(dates.created)","contentExpiration":"\#(dates.expiration)"}"#
        }
        return Array("[\(elements.joined(separator: ","))]".utf8)
    }

    @Test("three SIGKILLs at random moments lose no acknowledged blob")
    func killDuringFlood() async throws {
        try await withTemporaryDirectory { dir in
            let config = try writeTestConfig(in: dir)
            let acked = AckedSet()
            let client = try HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentTransfers: 16, timeout: .seconds(5)))
            defer { client.shutdown() }
            for round in 1...3 {
                let (child, port) = try await self.start(config)
                let before = acked.withLock { $0.count }
                let threshold = before + Int.random(in: 150...1200)
                // 16 connections flood until enough 200s arrived, then the server is killed mid-flood. No request
                // starts after the kill: the dead server's port could be handed to another test's server, whose
                // 200s would count as acknowledged here.
                let killing = KillFlag()
                await withTaskGroup(of: Void.self) { group in
                    for worker in 0..<16 {
                        group.addTask {
                            var sequence = 0
                            while !Task.isCancelled && !killing.raised.load(ordering: .acquiring) {
                                sequence += 1
                                let ids = (0..<(1 + sequence % 3)).map { "r\(round)-w\(worker)-n\(sequence)-\($0)" }
                                let request = HTTPClientRequest(
                                    method: "POST", url: "http://127.0.0.1:\(port)/activity-webhook",
                                    headers: ["Content-Type": "application/json", "Webhook-AuthID": self.auth], body: self.body(ids))
                                guard let response = try? await client.execute(request) else { continue }
                                if response.status == 200 { acked.add(ids) }
                            }
                        }
                    }
                    await acked.wait(untilCount: threshold)
                    killing.raised.store(true, ordering: .releasing)
                    child.signal(SIGKILL)
                    _ = await child.waitForExit()
                    group.cancelAll()
                }
                // Restart on the same state file and compare.
                let (restarted, _) = try await self.start(config)
                let stored = try await self.storedIDs(dir.appendingPathComponent("state.sqlite").path)
                let expected = acked.withLock { $0 }
                let missing = expected.subtracting(stored)
                print("crash round \(round): \(expected.count) blobs acknowledged with 200, \(stored.count) in the ledger, \(missing.count) missing")
                #expect(missing.isEmpty, "acknowledged but lost: \(missing.prefix(5))")
                restarted.signal(SIGTERM)
                #expect(await restarted.waitForExit() == 0)
            }
        }
    }

    private func storedIDs(_ path: String) async throws -> Set<String> {
        let database = try await SQLiteDatabase.open(path: path)
        let ids = try await database.read { connection in
            Set(try connection.query("SELECT content_id FROM blobs", []).compactMap { row -> String? in
                if case .text(let id) = row[0] { return id } else { return nil }
            })
        }
        await database.close()
        return ids
    }
}

/// The contentIds acknowledged with 200, shared by the flood workers; the test waits (without polling)
/// until enough have arrived.
final class AckedSet: Sendable {
    private let state = Mutex<(ids: Set<String>, waiter: (count: Int, continuation: CheckedContinuation<Void, Never>)?)>(([], nil))

    func withLock<R: Sendable>(_ body: (inout Set<String>) -> R) -> R { self.state.withLock { body(&$0.ids) } }

    func add(_ ids: [String]) {
        let ready = self.state.withLock { state -> CheckedContinuation<Void, Never>? in
            state.ids.formUnion(ids)
            guard let waiter = state.waiter, state.ids.count >= waiter.count else { return nil }
            state.waiter = nil
            return waiter.continuation
        }
        ready?.resume()
    }

    func wait(untilCount count: Int) async {
        await withCheckedContinuation { continuation in
            let already = self.state.withLock { state -> Bool in
                if state.ids.count >= count { return true }
                state.waiter = (count, continuation)
                return false
            }
            if already { continuation.resume() }
        }
    }
}

/// Raised just before the SIGKILL; flood workers start no request once it is up.
final class KillFlag: Sendable {
    let raised = Atomic<Bool>(false)
}
