import Foundation
import HookTestSupport
import Testing

/// The end-to-end harness itself: a wait for a line that never comes must end, not hang the run.
@Suite struct ChildProcessTests {
    @Test func aCancelledWaitEndsTheChildInsteadOfHanging() async throws {
        let child = try ChildProcess(URL(fileURLWithPath: "/bin/sh"), ["-c", "echo started; exec sleep 600"])
        #expect(await child.waitForLine { $0 == "started" } == "started")
        let line = try await firstResult(within: 0.5) { await child.waitForLine { $0 == "never printed" } }
        #expect(line == nil)
        // SIGKILL, not the end of `sleep 600`.
        #expect(await child.waitForExit() == SIGKILL)
    }
}
