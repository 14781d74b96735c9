import HookConfig
import Testing

@Suite("Config: receiver hardening keys")
struct HardeningKeysTests {
    @Test("defaults: deadlines 10s/60s, per-IP limit = connectionLimit behind a proxy and 64 with TLS, 9d done retention")
    func defaults() throws {
        let config = try ConfigFixtures.parse(ConfigFixtures.minimal).config
        #expect(config.server.headerTimeout == .seconds(10))
        #expect(config.server.bodyTimeout == .seconds(60))
        #expect(config.server.perIPConnectionLimit == config.server.connectionLimit)
        #expect(config.server.adminOnPublicListener)
        #expect(config.state.doneRetention == .seconds(9 * 86_400))
        let tls = ServerConfig(publicURL: "https://x", authId: Secret("a"), tls: TLSConfig(certificate: "/c", privateKey: "/k"))
        #expect(tls.perIPConnectionLimit == ServerConfig.defaultPerIPLimitWithTLS)
        #expect(!tls.adminOnPublicListener)
    }

    @Test("explicit values are read; a done retention under 8 days is refused")
    func explicit() throws {
        let yaml = ConfigFixtures.minimal(replacing: "  authId: test-auth-id-value\n", with: """
              authId: test-auth-id-value
              perIPConnectionLimit: 8
              headerTimeout: 500ms
              bodyTimeout: 2s
              adminOnPublicListener: false

            """)
        let config = try ConfigFixtures.parse(yaml.replacingOccurrences(of: "  path: state.sqlite\n",
                                                                       with: "  path: state.sqlite\n  doneRetention: 30d\n")).config
        #expect(config.server.perIPConnectionLimit == 8)
        #expect(config.server.headerTimeout == .milliseconds(500))
        #expect(config.server.bodyTimeout == .seconds(2))
        #expect(!config.server.adminOnPublicListener)
        #expect(config.state.doneRetention == .seconds(30 * 86_400))
        #expect(throws: ConfigError.self) {
            _ = try ConfigFixtures.parse(ConfigFixtures.minimal.replacingOccurrences(
                of: "  path: state.sqlite\n", with: "  path: state.sqlite\n  doneRetention: 2d\n"))
        }
    }
}
