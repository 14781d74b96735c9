import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

/// Issue points 2 and 3: `/content` windows and pagination, blob GETs, and generated content.
@Suite struct ContentTests {
    @Test func windowRules() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let token = try await sim.token()
                #expect(try await sim.start("Audit.General", token: token).status == 200)
                func query(_ q: String) async throws -> HTTPClientResponse {
                    try await sim.request("GET", "\(sim.feed())/subscriptions/content?contentType=Audit.General\(q)", token: token)
                }
                let now = Date()
                let format = ISO8601DateFormatter()
                func t(_ offset: Double) -> String { format.string(from: now.addingTimeInterval(offset)) }
                #expect(try await query("").status == 200)
                #expect(try await query("&startTime=\(t(-3600))&endTime=\(t(0))").status == 200)
                #expect(errorCode(try await query("&startTime=\(t(-3600))")) == "AF20030")
                #expect(errorCode(try await query("&startTime=\(t(-90000))&endTime=\(t(0))")) == "AF20030")  // > 24 h
                #expect(errorCode(try await query("&startTime=\(t(-8 * 86400))&endTime=\(t(-8 * 86400 + 3600))")) == "AF20030")  // > 7 d
                let reversed = try await query("&startTime=\(t(0))&endTime=\(t(-3600))")
                #expect(reversed.status == 400 && errorCode(reversed) == "AF20055")
                #expect(errorCode(try await query("&startTime=yesterday&endTime=\(t(0))")) == "AF20002")
                // End times in the future are accepted, as observed (§6.1).
                #expect(try await query("&startTime=\(t(-60))&endTime=\(t(3600))").status == 200)
            }
        }
    }

    @Test func startInclusiveEndExclusive() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let token = try await sim.token()
                #expect(try await sim.start("Audit.General", token: token).status == 200)
                let blob = try #require(try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"Audit.General","ageSeconds":7200}"#).first)
                let created = try #require(blob["contentCreated"] as? String)
                let from = try #require(ISO8601DateFormatter().date(from: String(created.dropLast(5)) + "Z"))
                let before = ISO8601DateFormatter().string(from: from.addingTimeInterval(-60))
                let after = ISO8601DateFormatter().string(from: from.addingTimeInterval(60))
                // startTime == contentCreated is included; endTime == contentCreated is not.
                let inclusive = try await sim.request("GET", "\(sim.feed())/subscriptions/content?contentType=Audit.General&startTime=\(created)&endTime=\(after)", token: token)
                #expect((try json(inclusive) as? [Any])?.count == 1)
                let exclusive = try await sim.request("GET", "\(sim.feed())/subscriptions/content?contentType=Audit.General&startTime=\(before)&endTime=\(created)", token: token)
                #expect((try json(exclusive) as? [Any])?.count == 0)
            }
        }
    }

    @Test func paginationAcrossFiftyPages() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator(Sim.scenario(settings: #","pageSize":2"#)) { sim in
                let token = try await sim.token()
                #expect(try await sim.start("Audit.Exchange", token: token).status == 200)
                let published = try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"Audit.Exchange","blobs":105,"recordsPerBlob":1}"#)
                #expect(published.count == 105)
                var url = "\(sim.feed())/subscriptions/content?contentType=Audit.Exchange&PublisherIdentifier=\(tenantB)"
                var ids: [String] = []
                var pages = 0
                while true {
                    let response = try await sim.request("GET", url, token: token)
                    #expect(response.status == 200)
                    pages += 1
                    ids += (try json(response) as? [[String: Any]] ?? []).compactMap { $0["contentId"] as? String }
                    guard let next = response.headers["nextpageuri"] else { break }
                    #expect(next.contains("/api/v1/\(tenantA)/activity/feed/subscriptions/content?"))
                    #expect(next.contains("nextPage="))
                    url = next + "&PublisherIdentifier=\(tenantB)"
                    #expect(pages < 100)
                }
                #expect(pages == 53)
                #expect(ids == published.compactMap { $0["contentId"] as? String })
                let bad = try await sim.request("GET", "\(sim.feed())/subscriptions/content?contentType=Audit.Exchange&nextPage=garbage", token: token)
                #expect(errorCode(bad) == "AF20031")
                #expect((try await sim.counters())["blobsListed"] as? Int == 105)
            }
        }
    }

    @Test func blobGetAndItsErrors() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let token = try await sim.token()
                #expect(try await sim.start("Audit.General", token: token).status == 200)
                let records = #"[{"Id":"a1","RecordType":28,"CreationTime":"2024-01-01T00:00:00","Operation":"TIMailData"},{"Id":"a2","RecordType":"40"}]"#
                let blob = try #require(try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"Audit.General","records":\#(records)}"#).first)
                let uri = try #require(blob["contentUri"] as? String)
                let response = try await sim.request("GET", uri, token: token)
                #expect(response.status == 200)
                let got = try #require(try json(response) as? [[String: Any]])
                #expect(got.map { $0["Id"] as? String } == ["a1", "a2"])
                #expect(got[1]["RecordType"] as? String == "40")
                // Percent-encoded `$` is accepted too.
                #expect(try await sim.request("GET", uri.replacingOccurrences(of: "$", with: "%24"), token: token).status == 200)

                let old = try #require(try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"Audit.General","ageSeconds":700000}"#).first)
                let expired = try await sim.request("GET", try #require(old["contentUri"] as? String), token: token)
                #expect(errorCode(expired) == "AF20051")
                #expect(errorCode(try await sim.request("GET", "\(sim.feed())/audit/20260101$nothere", token: token)) == "AF20050")
                #expect(errorCode(try await sim.request("GET", "\(sim.feed())/audit/bad%20id!", token: token)) == "AF20052")
                // Another tenant cannot read it.
                let other = try await sim.request("GET", uri.replacingOccurrences(of: tenantA, with: tenantB), token: try await sim.token(tenant: tenantB))
                #expect(errorCode(other) == "AF20050")
                #expect((try await sim.counters())["blobsServed"] as? Int == 2)
            }
        }
    }

    @Test func contentWhileStoppedIsLost() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let answer = try await sim.control("POST", "publish", #"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":3}"#)
                #expect((answer as? [String: Any])?["dropped"] as? Int == 3)
            }
        }
    }
}
