import HookConfig
import Testing

/// `api.proxy` (issue 12 item 3): credentials never go to a proxy in clear text, and are never echoed.
/// The plain-http rules for the other URLs are tested in PlainHTTPTests.
@Suite("api.proxy")
struct ProxyConfigTests {
    @Test("credentials over a clear-text proxy to another host are refused and never echoed")
    func proxy() throws {
        let secret = "pr0xy-pa55"
        let clear = ConfigFixtures.issues(ConfigFixtures.minimal + "api:\n  proxy: http://user:\(secret)@proxy.corp:3128\n")
        #expect(clear.map(\.keyPath) == ["api.proxy"])
        #expect(clear.allSatisfy { !$0.description.contains(secret) })
        #expect(clear.first?.description.contains("api.allowInsecureHTTP") == true)
        let plain = try ConfigFixtures.parse(ConfigFixtures.minimal + "api:\n  proxy: http://proxy.corp:3128\n  noProxy: .corp,localhost\n")
        #expect(plain.config.api.proxy?.reveal() == "http://proxy.corp:3128")
        #expect(plain.config.api.noProxy == ".corp,localhost")
        #expect(!plain.config.redactedYAML().contains("proxy.corp:3128"))
        let tls = try ConfigFixtures.parse(ConfigFixtures.minimal + "api:\n  proxy: https://user:\(secret)@proxy.corp:3128\n")
        #expect(tls.config.api.proxy != nil)
        let local = try ConfigFixtures.parse(ConfigFixtures.minimal + "api:\n  proxy: http://user:\(secret)@127.0.0.1:3128\n")
        #expect(local.config.api.proxy != nil)
        let allowed = try ConfigFixtures.parse(ConfigFixtures.minimal
                                               + "api:\n  allowInsecureHTTP: true\n  proxy: http://u:\(secret)@proxy.corp:3128\n")
        #expect(allowed.config.api.allowInsecureHTTP)
        ConfigFixtures.expectIssue(ConfigFixtures.minimal + "api:\n  proxy: ftp://proxy.corp\n", at: "api.proxy", containing: "socks5")
    }
}

/// `api.httpVersion` (issue 14): HTTP/1.1 over TLS unless configured (docs/tls-performance.md).
@Suite("api.httpVersion")
struct HTTPVersionConfigTests {
    @Test("1.1 by default; 2, 2.0 and \"1.1\" are accepted; anything else names the key")
    func httpVersion() throws {
        #expect(try ConfigFixtures.parse(ConfigFixtures.minimal).config.api.httpVersion == .http1_1)
        #expect(try ConfigFixtures.parse(ConfigFixtures.minimal + "api:\n  httpVersion: 2\n").config.api.httpVersion == .http2)
        #expect(try ConfigFixtures.parse(ConfigFixtures.minimal + "api:\n  httpVersion: \"2.0\"\n").config.api.httpVersion == .http2)
        #expect(try ConfigFixtures.parse(ConfigFixtures.minimal + "api:\n  httpVersion: \"1.1\"\n").config.api.httpVersion == .http1_1)
        let shown = try ConfigFixtures.parse(ConfigFixtures.minimal + "api:\n  httpVersion: 2\n").config.redactedYAML()
        #expect(shown.contains("httpVersion: \"2\"") || shown.contains("httpVersion: 2"), "\(shown)")
        ConfigFixtures.expectIssue(ConfigFixtures.minimal + "api:\n  httpVersion: 3\n", at: "api.httpVersion", containing: "expected one of 1.1, 2")
    }
}

/// `server.tls.clientName` (issue 15, docs/mtls.md): the client certificate's name is pinned to the cloud's
/// API host unless configured.
@Suite("server.tls.clientName")
struct ClientNameConfigTests {
    @Test("defaults to the cloud's API host with a client CA; \"*\" checks the chain only; a bad name names the key")
    func clientName() throws {
        #expect(Cloud.enterprise.apiHost == "manage.office.com")
        #expect(Cloud.gccHigh.apiHost == "manage.office365.us")
        let withCA = TLSConfig(certificate: "/c", privateKey: "/k", clientCA: "/ca")
        #expect(withCA.pinnedClientName(cloud: .enterprise) == "manage.office.com")
        #expect(withCA.pinnedClientName(cloud: .dod) == "manage.protection.apps.mil")
        #expect(TLSConfig(certificate: "/c", privateKey: "/k", clientCA: "/ca", clientName: "*").pinnedClientName(cloud: .enterprise) == nil)
        #expect(TLSConfig(certificate: "/c", privateKey: "/k", clientCA: "/ca", clientName: "hooks.example.com")
            .pinnedClientName(cloud: .enterprise) == "hooks.example.com")
        #expect(TLSConfig(certificate: "/c", privateKey: "/k").pinnedClientName(cloud: .enterprise) == nil)
    }
}
