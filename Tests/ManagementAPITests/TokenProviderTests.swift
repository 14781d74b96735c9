import Foundation
import HookConfig
import HookHTTPClient
@testable import HookManagementAPI
@testable import HookEntraAuth
import HookRetry
import HookTestSupport
import Testing

/// Issue 5 §1: secret and certificate auth, v1 and v2, caching, refresh, single flight, AADSTS hints.
@Suite struct TokenProviderTests {
    @Test(arguments: [TokenEndpoint.v2, .v1])
    func clientSecretOnBothEndpoints(endpoint: TokenEndpoint) async throws {
        try await withTemporaryDirectory { _ in
            try await withSim { sim in
                let provider = TokenProvider(settings: sim.tokenSettings(endpoint: endpoint), http: sim.http)
                let token = try await provider.token()
                #expect(token.value.split(separator: ".").count == 3)
                #expect(token.expiresAt.timeIntervalSinceNow > 3500)
                // Refreshed at 45 minutes (earlier than expiry − 5 min for a 3599 s token).
                #expect(abs(token.refreshAt.timeIntervalSinceNow - 2700) < 5)
                #expect(try await provider.token().value == token.value)
                #expect(await provider.fetchCount == 1)
                #expect(try await sim.counter("tokensIssued") == 1)
            }
        }
    }

    @Test(arguments: [(SigningAlgorithm.ps256, TokenEndpoint.v2), (.rs256, .v2), (.ps256, .v1), (.rs256, .v1)])
    func certificateAssertions(algorithm: SigningAlgorithm, endpoint: TokenEndpoint) async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir.appendingPathComponent("pki"))
            let scenario = SimEnv.scenario(extraApps: #","certificateFiles":["\#(pki.clientCertificate)"]"#)
            try await withSim(scenario) { sim in
                let credential = TenantCredential.certificate(
                    CertificateCredential(certificate: pki.clientCertificate, privateKey: pki.clientKey, algorithm: algorithm))
                let provider = TokenProvider(settings: sim.tokenSettings(credential: credential, endpoint: endpoint), http: sim.http)
                let token = try await provider.token()
                let payload = try #require(Data(base64URL: String(token.value.split(separator: ".")[1])))
                let claims = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
                #expect(claims["appidacr"] as? String == "2")
                // And the token works against the API.
                let client = sim.client(credential: credential)
                #expect(try await client.list().isEmpty)
            }
        }
    }

    @Test func refreshedBeforeExpiryAndSingleFlight() async throws {
        try await withTemporaryDirectory { _ in
            try await withSim { sim in
                let clock = TestClock()
                let provider = TokenProvider(settings: sim.tokenSettings(), http: sim.http, clock: { clock.now() })
                // Twenty concurrent callers share one request.
                let values = try await withThrowingTaskGroup(of: String.self) { group in
                    for _ in 0..<20 { group.addTask { try await provider.token().value } }
                    return try await group.reduce(into: Set<String>()) { $0.insert($1) }
                }
                #expect(values.count == 1)
                #expect(await provider.fetchCount == 1)
                clock.advance(44 * 60)
                #expect(try await provider.token().value == values.first)
                clock.advance(2 * 60)  // past 45 minutes, still 13 minutes before expiry
                let renewed = try await provider.token()
                #expect(await provider.fetchCount == 2)
                #expect(renewed.value != values.first)
            }
        }
    }

    @Test func aadstsErrorsCarryHints() async throws {
        try await withTemporaryDirectory { _ in
            try await withSim { sim in
                let provider = TokenProvider(settings: sim.tokenSettings(credential: .clientSecret(Secret("wrong"))), http: sim.http)
                let error = try await #require(throws: TokenError.self) { try await provider.token() }
                #expect(error.aadstsCode == 7_000_215)
                #expect(error.description.contains("AADSTS7000215"))
                #expect(error.hint == "invalid client secret: check tenants[0].clientSecret")
                #expect(!error.isTransient)
                let unknown = TokenProvider(settings: sim.tokenSettings(client: "55555555-5555-5555-5555-555555555555"), http: sim.http)
                let other = try await #require(throws: TokenError.self) { try await unknown.token() }
                #expect(other.aadstsCode == 700_016)
                #expect(other.hint?.contains("tenants[0].clientId") == true)
            }
        }
    }

    @Test func a401ForcesOneRefreshAndOneRetry() async throws {
        try await withTemporaryDirectory { _ in
            try await withSim { sim in
                let client = sim.client()
                _ = try await client.list()
                #expect(await client.tokens.fetchCount == 1)
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"list","kind":"expiredToken","count":1}]}"#)
                _ = try await client.list()
                #expect(await client.tokens.fetchCount == 2)
                // A second 401 in a row is not retried again: it surfaces.
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"list","kind":"expiredToken","count":2}]}"#)
                let error = try await #require(throws: ManagementAPIError.self) { try await client.list() }
                #expect(error.status == 401)
                #expect(await client.tokens.fetchCount == 3)
            }
        }
    }

    @Test func shortTokensAreRefreshedFiveMinutesBeforeExpiry() throws {
        let issued = Date(timeIntervalSince1970: 1_800_000_000)
        let short = try TokenForm.parse(Array(#"{"access_token":"a.b.c","expires_in":"1200"}"#.utf8), obtainedAt: issued, tenantKey: "t")
        #expect(short.expiresAt == issued.addingTimeInterval(1200))
        #expect(short.refreshAt == issued.addingTimeInterval(900))
        let long = try TokenForm.parse(Array(#"{"access_token":"a.b.c","expires_in":5400}"#.utf8), obtainedAt: issued, tenantKey: "t")
        #expect(long.refreshAt == issued.addingTimeInterval(2700))
        #expect(throws: TokenError.self) { try TokenForm.parse(Array("{}".utf8), obtainedAt: issued, tenantKey: "t") }
    }

    @Test func certificateAssertionUsesMicrosoftsClock() async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir.appendingPathComponent("pki"))
            let scenario = SimEnv.scenario(extraApps: #","certificateFiles":["\#(pki.clientCertificate)"]"#)
            try await withSim(scenario) { sim in
                // Microsoft is ten minutes ahead: an assertion made on our clock has already expired there.
                try await sim.control("POST", "clock", #"{"advanceSeconds":600}"#)
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"*","kind":"dateSkew","skewSeconds":0}]}"#)
                let credential = TenantCredential.certificate(
                    CertificateCredential(certificate: pki.clientCertificate, privateKey: pki.clientKey))
                let skew = ClockSkew()
                let provider = TokenProvider(settings: sim.tokenSettings(credential: credential), http: sim.http, skew: skew)
                _ = try await provider.token()
                #expect(abs(skew.seconds - 600) < 10)
                #expect(try await sim.counter("tokensRefused") == 1)
                #expect(try await sim.counter("tokensIssued") == 1)
            }
        }
    }

    @Test func transientTokenFailuresAreRetried() async throws {
        try await withTemporaryDirectory { _ in
            try await withSim { sim in
                try await sim.control("POST", "faults", #"{"faults":[{"endpoint":"token","kind":"5xx","status":503,"count":2}]}"#)
                let client = sim.client()
                #expect(try await client.list().isEmpty)
                #expect(await client.tokens.fetchCount == 3)
            }
        }
    }
}

extension Data {
    init?(base64URL text: String) {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        self.init(base64Encoded: base)
    }
}
