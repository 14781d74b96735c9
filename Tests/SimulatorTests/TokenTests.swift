import Foundation
import HookHTTPClient
import HookTestSupport
import Testing

/// Issue point 1: the Entra ID token endpoints.
@Suite struct TokenTests {
    @Test func v1AndV2ResponseShapesDiffer() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let v1Form = "grant_type=client_credentials&resource=\(formEncode("https://manage.office.com"))&client_id=\(appA)&client_secret=\(secretA)"
                let v1 = try await sim.request("POST", "/\(tenantA)/oauth2/token", body: Array(v1Form.utf8))
                #expect(v1.status == 200)
                let one = try #require(try json(v1) as? [String: Any])
                #expect(one["expires_in"] as? String == "3599")
                #expect(one["expires_on"] is String && one["not_before"] is String)
                #expect(one["resource"] as? String == "https://manage.office.com")

                let v2Form = "grant_type=client_credentials&scope=\(formEncode("https://manage.office.com/.default"))&client_id=\(appA)&client_secret=\(secretA)"
                let v2 = try await sim.request("POST", "/\(tenantA)/oauth2/v2.0/token", body: Array(v2Form.utf8))
                let two = try #require(try json(v2) as? [String: Any])
                #expect(two["expires_in"] as? Int == 3599)
                #expect(two["ext_expires_in"] as? Int == 3599)
                #expect(two["resource"] == nil)
                // The token claims look like Microsoft's v1 app-only tokens.
                let token = try #require(two["access_token"] as? String)
                let payload = try #require(Data(base64URL: String(token.split(separator: ".")[1])))
                let claims = try #require(try JSONSerialization.jsonObject(with: payload) as? [String: Any])
                #expect(claims["tid"] as? String == tenantA)
                #expect(claims["aud"] as? String == "https://manage.office.com")
                #expect(claims["appid"] as? String == appA)
                #expect(claims["appidacr"] as? String == "1")
                #expect((claims["roles"] as? [String])?.contains("ActivityFeed.Read") == true)
            }
        }
    }

    @Test func basicAuthAndAADSTSErrors() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let basic = Data("\(appA):\(secretA)".utf8).base64EncodedString()
                let form = "grant_type=client_credentials&scope=\(formEncode("https://manage.office.com/.default"))"
                let ok = try await sim.request("POST", "/\(tenantA)/oauth2/v2.0/token", headers: ["Authorization": "Basic \(basic)"],
                                               body: Array(form.utf8))
                #expect(ok.status == 200)

                let wrong = try await sim.request("POST", "/\(tenantA)/oauth2/v2.0/token",
                                                  body: Array("\(form)&client_id=\(appA)&client_secret=nope".utf8))
                #expect(wrong.status == 401)
                let error = try #require(try json(wrong) as? [String: Any])
                #expect(error["error"] as? String == "invalid_client")
                #expect(error["error_codes"] as? [Int] == [7_000_215])
                #expect((error["error_description"] as? String)?.hasPrefix("AADSTS7000215:") == true)
                #expect(error["trace_id"] is String && error["correlation_id"] is String && error["timestamp"] is String)

                let noDefault = try await sim.request("POST", "/\(tenantA)/oauth2/v2.0/token",
                                                      body: Array("grant_type=client_credentials&scope=https://manage.office.com&client_id=\(appA)&client_secret=\(secretA)".utf8))
                #expect(noDefault.status == 400)
                #expect((try json(noDefault) as? [String: Any])?["error"] as? String == "invalid_scope")
                let counters = try await sim.counters()
                #expect(counters["tokensIssued"] as? Int == 1)
                #expect(counters["tokensRefused"] as? Int == 2)
            }
        }
    }

    @Test(arguments: ["RS256", "PS256"])
    func certificateAssertionSignedWithOpenSSL(alg: String) async throws {
        try await withTemporaryDirectory { dir in
            let pki = try await TestPKI(in: dir.appendingPathComponent("pki"))
            let scenario = Sim.scenario(extraApps: #","certificateFiles":["\#(pki.clientCertificate)"]"#)
            try await withSimulator(scenario) { sim in
                let audience = "https://login.microsoftonline.com/\(tenantA)/oauth2/v2.0/token"
                let assertion = try await OpenSSLJWT.sign(alg: alg, certificate: pki.clientCertificate, key: pki.clientKey, directory: dir,
                                                    claims: OpenSSLJWT.claims(audience: audience, client: appA, jti: UUID().uuidString))
                let form = "grant_type=client_credentials&client_id=\(appA)&scope=\(formEncode("https://manage.office.com/.default"))"
                    + "&client_assertion_type=\(formEncode("urn:ietf:params:oauth:client-assertion-type:jwt-bearer"))&client_assertion=\(assertion)"
                let response = try await sim.request("POST", "/\(tenantA)/oauth2/v2.0/token", body: Array(form.utf8))
                #expect(response.status == 200, "\(String(decoding: response.body, as: UTF8.self))")
                let token = try #require((try json(response) as? [String: Any])?["access_token"] as? String)
                let payload = try #require(Data(base64URL: String(token.split(separator: ".")[1])))
                #expect((try JSONSerialization.jsonObject(with: payload) as? [String: Any])?["appidacr"] as? String == "2")
                let list = try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: token)
                #expect(list.status == 200)

                // The same assertion again: jti reuse is refused.
                let replay = try await sim.request("POST", "/\(tenantA)/oauth2/v2.0/token", body: Array(form.utf8))
                #expect(replay.status == 401)
                // A wrong audience and an expired assertion are refused.
                let badAudience = try await OpenSSLJWT.sign(alg: alg, certificate: pki.clientCertificate, key: pki.clientKey, directory: dir,
                                                      claims: OpenSSLJWT.claims(audience: "https://example.com/token", client: appA, jti: UUID().uuidString))
                let refused = try await sim.request("POST", "/\(tenantA)/oauth2/v2.0/token",
                                                    body: Array(form.replacingOccurrences(of: assertion, with: badAudience).utf8))
                #expect((try json(refused) as? [String: Any])?["error_codes"] as? [Int] == [700_023])
                let expired = try await OpenSSLJWT.sign(alg: alg, certificate: pki.clientCertificate, key: pki.clientKey, directory: dir,
                                                  claims: OpenSSLJWT.claims(audience: audience, client: appA, jti: UUID().uuidString, offset: -3600))
                let late = try await sim.request("POST", "/\(tenantA)/oauth2/v2.0/token",
                                                 body: Array(form.replacingOccurrences(of: assertion, with: expired).utf8))
                #expect((try json(late) as? [String: Any])?["error_codes"] as? [Int] == [700_024])
            }
        }
    }

    @Test func tokensAreCheckedOnEveryCall() async throws {
        try await withTemporaryDirectory { _ in
            try await withSimulator { sim in
                let tokenB = try await sim.token(tenant: tenantB)
                let mismatch = try await sim.request("GET", "\(sim.feed(tenantA))/subscriptions/list", token: tokenB)
                #expect(errorCode(mismatch) == "AF20010")

                let noDlp = try await sim.token(client: appNoDlp)
                let dlp = try await sim.start("DLP.All", token: noDlp)
                #expect(errorCode(dlp) == "AF10001")
                #expect(errorMessage(dlp).contains("The permission set (ActivityFeed.Read ServiceHealth.Read) sent in the request does not include the expected permission"))
                #expect(try await sim.start("Audit.General", token: noDlp).status == 200)

                let forged = try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: "eyJhbGciOiJub25lIn0.e30.")
                #expect(forged.status == 401)
                let token = try await sim.token()
                #expect(try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: token).status == 200)
                _ = try await sim.control("POST", "clock", #"{"advanceSeconds":3600}"#)
                #expect(try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: token).status == 401)
                // A Logs Ingestion token is not valid for the Management API.
                let monitor = try await sim.token(scope: "https://monitor.azure.com//.default")
                #expect(try await sim.request("GET", "\(sim.feed())/subscriptions/list", token: monitor).status == 401)
            }
        }
    }
}

/// Builds a client-assertion JWT in the test and signs it with the `openssl` command line.
enum OpenSSLJWT {
    static func claims(audience: String, client: String, jti: String, offset: Int = 0) -> String {
        let now = Int(Date().timeIntervalSince1970) + offset
        return #"{"aud":"\#(audience)","iss":"\#(client)","sub":"\#(client)","jti":"\#(jti)","nbf":\#(now - 60),"iat":\#(now - 60),"exp":\#(now + 540)}"#
    }

    static func sign(alg: String, certificate: String, key: String, directory: URL, claims: String) async throws -> String {
        let digest = alg == "RS256" ? "-sha1" : "-sha256"
        let fingerprint = try await run("/usr/bin/openssl", ["x509", "-in", certificate, "-noout", "-fingerprint", digest])
        let hex = fingerprint.split(separator: "=").last.map { $0.replacingOccurrences(of: ":", with: "").trimmingCharacters(in: .whitespacesAndNewlines) } ?? ""
        var thumbprint = Data()
        var index = hex.startIndex
        while index < hex.endIndex {
            let next = hex.index(index, offsetBy: 2)
            thumbprint.append(UInt8(hex[index..<next], radix: 16) ?? 0)
            index = next
        }
        let header = alg == "RS256"
            ? #"{"alg":"RS256","typ":"JWT","x5t":"\#(thumbprint.base64URL)"}"#
            : #"{"alg":"PS256","typ":"JWT","x5t#S256":"\#(thumbprint.base64URL)"}"#
        let input = Data(header.utf8).base64URL + "." + Data(claims.utf8).base64URL
        let inputFile = directory.appendingPathComponent("jwt-input").path
        let signatureFile = directory.appendingPathComponent("jwt-signature").path
        try input.write(toFile: inputFile, atomically: true, encoding: .utf8)
        var arguments = ["dgst", "-sha256", "-sign", key, "-out", signatureFile]
        if alg == "PS256" { arguments += ["-sigopt", "rsa_padding_mode:pss", "-sigopt", "rsa_pss_saltlen:32"] }
        try await run("/usr/bin/openssl", arguments + [inputFile])
        return input + "." + (try Data(contentsOf: URL(fileURLWithPath: signatureFile))).base64URL
    }
}

extension Data {
    var base64URL: String {
        self.base64EncodedString().replacingOccurrences(of: "+", with: "-").replacingOccurrences(of: "/", with: "_")
            .replacingOccurrences(of: "=", with: "")
    }

    init?(base64URL text: String) {
        var base = text.replacingOccurrences(of: "-", with: "+").replacingOccurrences(of: "_", with: "/")
        while base.count % 4 != 0 { base += "=" }
        self.init(base64Encoded: base)
    }
}
