import Foundation
import HookTestSupport
import Testing

@Suite("Fuzzing the notification parser (built fixture)")
struct FuzzTests {
    @Test("30,000 random and mutated bodies: no crash, no property violation")
    func shortRun() async throws {
        let child = try ChildProcess(try TestBinaries.require("activityhook-fixture"),
                                     ["fuzz-notifications", "--iterations", "30000", "--seed", "\(UInt32.random(in: 1...UInt32.max))"])
        let line = await child.waitForLine { $0.hasPrefix("executions=") || $0.hasPrefix("PROPERTY") }
        #expect(await child.waitForExit() == 0)
        let summary = try #require(line)
        print("fuzz: \(summary)")
        #expect(summary.hasPrefix("executions=30000 crashes=0"))
        #expect(!summary.contains("accepted=0 "), "the mutations never produced a valid notice; the fuzzer is not exercising the validator")
    }
}

@Suite("Fuzzing the parsers of peers' answers (built fixture)")
struct RemoteFuzzTests {
    @Test("100,000 mutated Retry-After, Date, error, token, listing, HEC and NextPageUri inputs: no crash, every bound holds")
    func shortRun() async throws {
        let child = try ChildProcess(try TestBinaries.require("activityhook-fixture"),
                                     ["fuzz-remote", "--iterations", "100000", "--seed", "\(UInt32.random(in: 1...UInt32.max))"])
        let line = await child.waitForLine { $0.hasPrefix("executions=") || $0.hasPrefix("PROPERTY") }
        #expect(await child.waitForExit() == 0)
        let summary = try #require(line)
        print("fuzz: \(summary)")
        #expect(summary.hasPrefix("executions=100000 crashes=0 violations=0"))
        // Every family ran: a family that never runs would hide its parser from the fuzzer.
        for family in ["retry-after", "date", "throttle-text", "error-envelope", "token", "listing", "hec", "next-page"] {
            #expect(summary.contains(" \(family)="), "\(family) missing from \(summary)")
        }
    }
}
