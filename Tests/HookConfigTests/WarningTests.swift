import HookConfig
import Testing

@Suite("Warnings for settings that only make sense in tests")
struct WarningTests {
    @Test("an http public URL and http API overrides load with warnings")
    func httpURLsWarn() throws {
        var yaml = ConfigFixtures.minimal(replacing: "publicUrl: https://", with: "publicUrl: http://")
        yaml += "api:\n  apiRoot: http://127.0.0.1:8900/\n  loginUrl: http://127.0.0.1:8901\n"
        let loaded = try ConfigFixtures.parse(yaml)
        #expect(loaded.config.server.publicURL == "http://hooks.example.com/activity-webhook")
        #expect(loaded.config.api.resolvedAPIRoot == "http://127.0.0.1:8900")
        #expect(loaded.config.api.resolvedLoginURL == "http://127.0.0.1:8901")
        #expect(loaded.config.api.tokenResource == "https://manage.office.com")
        #expect(loaded.warnings.map(\.keyPath) == ["server.publicUrl", "api.apiRoot", "api.loginUrl"])
        #expect(loaded.warnings.allSatisfy { $0.message.contains("Microsoft only talks https") })
    }

    @Test("a 1s poll interval loads with a warning; 1m does not warn")
    func shortIntervalWarns() throws {
        let fast = try ConfigFixtures.parse(ConfigFixtures.minimal + "poller:\n  interval: 1s\n")
        #expect(fast.config.poller.interval == .seconds(1))
        #expect(fast.warnings.count == 1)
        #expect(fast.warnings.first?.keyPath == "poller.interval")
        #expect(fast.warnings.first?.description.hasPrefix("poller.interval: is under 1m") == true)
        let normal = try ConfigFixtures.parse(ConfigFixtures.minimal + "poller:\n  interval: 60\n")
        #expect(normal.warnings.isEmpty)
        #expect(normal.config.poller.interval == .seconds(60))
    }

    @Test("small test-sized values are accepted without warnings")
    func smallValuesAccepted() throws {
        let server = "  authId: test-auth-id-value\n  maxBodyBytes: 64\n  connectionLimit: 1\n"
            + "  connectionTimeout: 1\n  threads: 1"
        let yaml = ConfigFixtures.minimal(replacing: "  authId: test-auth-id-value", with: server)
            + "workers:\n  concurrency: 1\n  maxAttempts: 1\npoller:\n  overlap: 0\n  initialLookback: 1s\n"
        let loaded = try ConfigFixtures.parse(yaml)
        #expect(loaded.warnings.isEmpty)
        #expect(loaded.config.server.maxBodyBytes == 64)
        #expect(loaded.config.server.connectionTimeout == .seconds(1))
        #expect(loaded.config.workers.maxAttempts == 1)
        #expect(loaded.config.poller.initialLookback == .seconds(1))
    }

    @Test("an http sink URL warns")
    func httpSinkWarns() throws {
        let yaml = ConfigFixtures.minimal
            + "  - name: splunk\n    type: splunk-hec\n    url: http://127.0.0.1:8088\n    token: t\n"
        let loaded = try ConfigFixtures.parse(yaml)
        #expect(loaded.warnings.map(\.keyPath) == ["sinks[1].url"])
    }
}
