import HookConfig
import Testing

@Suite("Durations")
struct DurationTests {
    @Test("valid durations", arguments: [
        ("30s", Duration.seconds(30)),
        ("5m", .seconds(300)),
        ("1h", .seconds(3_600)),
        ("1h30m", .seconds(5_400)),
        ("2d", .seconds(172_800)),
        ("1d12h", .seconds(129_600)),
        ("1m30s", .seconds(90)),
        ("250ms", .milliseconds(250)),
        ("1s500ms", .milliseconds(1_500)),
        ("90", .seconds(90)),
        ("0", .zero),
        ("0s", .zero),
    ])
    func parsesValid(text: String, expected: Duration) {
        #expect(ConfigDuration.parse(text) == expected)
    }

    @Test("invalid durations", arguments: [
        "", "-5s", "5 m", "5min", "1.5h", "5m1h", "1h1h", "h", "5x", "99999999999999999999s", "999999999999999999d",
    ])
    func rejectsInvalid(text: String) {
        #expect(ConfigDuration.parse(text) == nil)
    }

    @Test("formatting uses the largest units", arguments: [
        (Duration.seconds(5_400), "1h30m"),
        (.seconds(86_400), "1d"),
        (.zero, "0s"),
        (.milliseconds(1_500), "1s500ms"),
    ])
    func formats(duration: Duration, expected: String) {
        #expect(ConfigDuration.format(duration) == expected)
        #expect(ConfigDuration.parse(expected) == duration)
    }

    @Test("a bad duration in the config names the key")
    func badDurationInConfig() {
        let poller = ConfigFixtures.minimal + "poller:\n  overlap: 5 minutes\n"
        ConfigFixtures.expectIssue(poller, at: "poller.overlap", containing: "expected a duration such as 30s")
    }
}
