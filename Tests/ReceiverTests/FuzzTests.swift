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
