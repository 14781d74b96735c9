import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

/// Issue points 5 and 6: the Logs Ingestion fake and fault injection.
@Suite struct IngestionAndFaultTests {
    let path = "/dataCollectionRules/dcr-0123/streams/Custom-O365_CL?api-version=2023-01-01"

    @Test func ingestionAcceptsRecordsGzipAndEnforcesLimits() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                // The PowerShell sample's double slash names the same scope.
                let token = try await sim.token(scope: "https://monitor.azure.com//.default")
                let json: HTTPHeaders = ["Content-Type": "application/json"]
                let body = Array(#"[{"TimeGenerated":"2024-01-01T00:00:00Z","Id":"r1"},{"Id":"r2","n":2}]"#.utf8)
                let ok = try await sim.request("POST", self.path, token: token, headers: json, body: body)
                #expect(ok.status == 204)

                let big = Array(#"[{"Id":"r3","pad":"\#(String(repeating: "x", count: 600_000))"},{"Id":"r4","pad":"\#(String(repeating: "y", count: 600_000))"}]"#.utf8)
                #expect(try await sim.request("POST", self.path, token: token, headers: json, body: big).status == 413)
                // Compressed well under 1 MB, but over 1 MB once inflated: still 413.
                let gzippedBig = Array(try await run("/bin/sh", ["-c", "gzip -c | base64 -w0"], stdin: big).utf8)
                let packed = try #require(Data(base64Encoded: String(decoding: gzippedBig, as: UTF8.self)))
                #expect(packed.count < 100_000)
                var gzipHeaders = json
                gzipHeaders.add("Content-Encoding", "gzip")
                #expect(try await sim.request("POST", self.path, token: token, headers: gzipHeaders, body: Array(packed)).status == 413)

                let small = Array(#"[{"Id":"r5","text":"\#(String(repeating: "compress me ", count: 2000))"}]"#.utf8)
                let packedSmall = try #require(Data(base64Encoded: try await run("/bin/sh", ["-c", "gzip -c | base64 -w0"], stdin: small)))
                #expect(try await sim.request("POST", self.path, token: token, headers: gzipHeaders, body: Array(packedSmall)).status == 204)

                let management = try await sim.token()
                #expect(try await sim.request("POST", self.path, token: management, headers: json, body: body).status == 401)
                let recorded = try #require(try JSONSerialization.jsonObject(with: Data(try await sim.request("GET", "/_sim/ingested?stream=Custom-O365_CL").body)) as? [String: Any])
                let calls = try #require(recorded["calls"] as? [[String: Any]])
                let ids = calls.flatMap { ($0["records"] as? [[String: Any]] ?? []).compactMap { $0["Id"] as? String } }
                #expect(ids == ["r1", "r2", "r5"])
                #expect(calls.last?["compressed"] as? Bool == true)
                #expect((try await sim.counters())["ingestedRecords"] as? Int == 3)
            }
        }
    }

    @Test func ingestionThrottleAndServerErrors() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let token = try await sim.token(scope: "https://monitor.azure.com/.default")
                _ = try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"ingest","kind":"throttle","retryAfterSeconds":7,"count":1},{"endpoint":"ingest","kind":"5xx","status":503,"count":1}]}"#)
                let body = Array(#"[{"Id":"x"}]"#.utf8)
                let throttled = try await sim.request("POST", self.path, token: token, headers: ["Content-Type": "application/json"], body: body)
                #expect(throttled.status == 429)
                #expect(throttled.headers["Retry-After"] == "7")
                let failed = try await sim.request("POST", self.path, token: token, headers: ["Content-Type": "application/json"], body: body)
                #expect(failed.status == 503)
                let ok = try await sim.request("POST", self.path, token: token, headers: ["Content-Type": "application/json"], body: body)
                #expect(ok.status == 204)
            }
        }
    }

    @Test func managementFaults() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let token = try await sim.token()
                #expect(try await sim.start("Audit.General", token: token).status == 200)
                let list = "\(sim.feed())/subscriptions/list"
                func once(_ fault: String) async throws -> HTTPClientResponse {
                    _ = try await sim.control("POST", "faults", #"{"faults":[\#(fault)]}"#)
                    return try await sim.request("GET", list, token: token)
                }
                #expect(try await once(#"{"endpoint":"list","kind":"5xx","status":502}"#).status == 502)
                let af = try await once(#"{"endpoint":"list","kind":"af50000"}"#)
                #expect(af.status == 500 && errorCode(af) == "AF50000")
                // A reset drops the connection: the client gets no response at all.
                await #expect(throws: HTTPClientError.self) { _ = try await once(#"{"endpoint":"list","kind":"reset"}"#) }
                let truncated = try await once(#"{"endpoint":"list","kind":"truncated"}"#)
                #expect(truncated.status == 200 && (try? json(truncated)) == nil)
                let invalid = try await once(#"{"endpoint":"*","kind":"invalidJson"}"#)
                #expect(invalid.status == 200 && (try? json(invalid)) == nil)
                #expect(try await once(#"{"endpoint":"list","kind":"expiredToken"}"#).status == 401)
                let skewed = try await once(#"{"endpoint":"list","kind":"dateSkew","skewSeconds":-7200}"#)
                let date = try #require(skewed.date)
                #expect(abs(Double(date.secondsSince1970) - (Date().timeIntervalSince1970 - 7200)) < 60)
                let started = ContinuousClock.now
                #expect(try await once(#"{"endpoint":"list","kind":"latency","latencyMs":300}"#).status == 200)
                #expect(ContinuousClock.now - started >= .milliseconds(300))
                // A rule with a count fires that many times, then the endpoint is healthy again.
                #expect(try await once(#"{"endpoint":"list","kind":"5xx","count":1}"#).status == 503)
                #expect(try await sim.request("GET", list, token: token).status == 200)
                _ = try await sim.control("DELETE", "faults")
            }
        }
    }

    @Test func resetClearsStateButKeepsTenants() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let token = try await sim.token()
                #expect(try await sim.start("Audit.General", token: token).status == 200)
                _ = try await sim.control("POST", "reset")
                let counters = try await sim.counters()
                #expect(counters["tokensIssued"] as? Int == 0)
                let list = try #require(try json(try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: try await sim.token())) as? [Any])
                #expect(list.isEmpty)
            }
        }
    }
}
