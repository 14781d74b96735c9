import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

/// Issue point 3: realistic records, their quirks, sizes, duplicates and out-of-order availability.
@Suite struct GenerationTests {
    func records(_ sim: Sim, _ token: String, _ blob: [String: Any]) async throws -> [[String: Any]] {
        let response = try await sim.request("GET", try #require(blob["contentUri"] as? String), token: token)
        #expect(response.status == 200)
        return try #require(try json(response) as? [[String: Any]])
    }

    @Test func securityAndDLPRecordTypesWithQuirks() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator(Sim.scenario(settings: #","stringNumberRate":0.3,"clientIPQuirkRate":1"#)) { sim in
                let token = try await sim.token()
                #expect(try await sim.start("Audit.General", token: token).status == 200)
                #expect(try await sim.start("DLP.All", token: token).status == 200)
                #expect(try await sim.start("Audit.Exchange", token: token).status == 200)
                var types = Set<String>()
                var stringTypes = 0
                for type in ["Audit.General", "DLP.All", "Audit.Exchange"] {
                    let blob = try #require(try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"\#(type)","recordsPerBlob":300}"#).first)
                    for record in try await self.records(sim, token, blob) {
                        if let number = record["RecordType"] as? Int { types.insert(String(number)) }
                        if let text = record["RecordType"] as? String { types.insert(text); stringTypes += 1 }
                        let time = try #require(record["CreationTime"] as? String)
                        #expect(time.range(of: #"^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d$"#, options: .regularExpression) != nil)
                        #expect(record["Id"] is String && record["OrganizationId"] as? String == tenantA)
                        if type == "DLP.All" {
                            let policy = try #require((record["PolicyDetails"] as? [[String: Any]])?.first)
                            let rule = try #require((policy["Rules"] as? [[String: Any]])?.first)
                            let matched = try #require(rule["ConditionsMatched"] as? [String: Any])
                            #expect((matched["SensitiveInformation"] as? [Any])?.isEmpty == false)
                            #expect(record["UserId"] as? String == "DlpAgent")
                        }
                        if type == "Audit.Exchange", let ip = record["ClientIP"] as? String {
                            #expect(ip.contains(":") || ip == "<null>" || ip.isEmpty)
                        }
                    }
                }
                #expect(types.isSuperset(of: ["28", "40", "41", "47", "11", "13", "33", "63", "107", "25"]))
                #expect(stringTypes > 0)
            }
        }
    }

    @Test func keyOrderVaries() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let token = try await sim.token()
                #expect(try await sim.start("Audit.SharePoint", token: token).status == 200)
                let blob = try #require(try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"Audit.SharePoint","recordsPerBlob":40}"#).first)
                let raw = try await sim.request("GET", try #require(blob["contentUri"] as? String), token: token)
                let text = String(decoding: raw.body, as: UTF8.self)
                let firstKeys = Set(text.components(separatedBy: "},{").map { String($0.drop { $0 == "[" || $0 == "{" }.prefix(12)) })
                #expect(firstKeys.count > 1)
            }
        }
    }

    @Test func hundredThousandRecordBlob() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let token = try await sim.token()
                #expect(try await sim.start("Audit.Exchange", token: token).status == 200)
                let blob = try #require(try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"Audit.Exchange","recordsPerBlob":100000}"#).first)
                #expect(blob["recordCount"] as? Int == 100_000)
                let response = try await sim.request("GET", try #require(blob["contentUri"] as? String), token: token)
                #expect(response.body.count > 50_000_000)
                let records = try #require(try json(response) as? [[String: Any]])
                #expect(records.count == 100_000)
                #expect(Set(records.compactMap { $0["Id"] as? String }).count == 100_000)
            }
        }
    }

    @Test func duplicatesAcrossBlobsAndOutOfOrderAvailability() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator(Sim.scenario(settings: #","duplicateRecordRate":0.5,"outOfOrderRate":0.5"#)) { sim in
                let token = try await sim.token()
                #expect(try await sim.start("Audit.General", token: token).status == 200)
                let blobs = try await sim.publish(#"{"tenant":"\#(tenantA)","contentType":"Audit.General","blobs":20,"recordsPerBlob":10}"#)
                var seen = Set<String>()
                var duplicates = 0
                for blob in blobs {
                    for record in try await self.records(sim, token, blob) {
                        if !seen.insert(record["Id"] as? String ?? "").inserted { duplicates += 1 }
                    }
                }
                #expect(duplicates > 0)
                let listed = try #require(try json(try await sim.request("GET", "\(sim.feed())/subscriptions/content?contentType=Audit.General", token: token)) as? [[String: Any]])
                let created = listed.compactMap { $0["contentCreated"] as? String }
                #expect(created.count == 20)
                #expect(created != created.sorted())  // listed in availability order, not by contentCreated
            }
        }
    }
}
