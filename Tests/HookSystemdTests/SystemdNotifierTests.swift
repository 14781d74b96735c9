import Foundation
import HookSystemd
import HookTestSupport
import Logging
import ServiceLifecycle
import Testing

/// Issue 15 (docs/systemd.md): the notify protocol against a Unix datagram socket standing in for
/// systemd's `NOTIFY_SOCKET`.
@Suite struct SystemdNotifierTests {
    @Test func readyStoppingReloadingAndWatchdogArriveAsDatagrams() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket(in: dir)
            defer { socket.close() }
            let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path])
            #expect(notifier.isEnabled)
            #expect(notifier.ready(status: "serving"))
            #expect(notifier.reloading())
            #expect(notifier.watchdog())
            #expect(notifier.stopping())
            #expect(await socket.waitFor("STOPPING=1"))
            let messages = socket.messages
            #expect(messages.count == 4)
            #expect(messages[0] == "READY=1\nSTATUS=serving")
            #expect(messages[1].hasPrefix("RELOADING=1\nMONOTONIC_USEC="))
            #expect(UInt64(messages[1].split(separator: "=").last ?? "") ?? 0 > 0)
            #expect(messages[2] == "WATCHDOG=1")
        }
    }

    @Test func withoutNotifySocketOrWithABadOneNothingIsSent() {
        #expect(!SystemdNotifier(environment: [:]).isEnabled)
        #expect(!SystemdNotifier(environment: [:]).ready(status: "x"))
        #expect(!SystemdNotifier(environment: ["NOTIFY_SOCKET": "relative/path"]).isEnabled)
        #expect(!SystemdNotifier(environment: ["NOTIFY_SOCKET": "/" + String(repeating: "a", count: 200)]).isEnabled)
        // A socket path nobody listens on: the send fails, quietly.
        #expect(!SystemdNotifier(environment: ["NOTIFY_SOCKET": "/nonexistent/notify.sock"]).watchdog())
    }

    @Test func theWatchdogIntervalComesFromWatchdogUsecForThisProcessOnly() {
        #expect(SystemdNotifier.watchdogInterval(environment: [:]) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "30000000"]) == .seconds(30))
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "0"]) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "junk"]) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "99999999999999999999"]) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "18446744073709551615"]) == .seconds(86_400))
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "1"]) == nil)
        #expect(SystemdNotifier.watchdogInterval(environment: ["WATCHDOG_USEC": "1000000", "WATCHDOG_PID": "\(getpid())"]) == .seconds(1))
    }

    @Test(.timeLimit(.minutes(1)))
    func theWatchdogPingsOnlyWhileTheHealthCheckPasses() async throws {
        try await withTemporaryDirectory { dir in
            let socket = try NotifySocket(in: dir)
            defer { socket.close() }
            let notifier = SystemdNotifier(environment: ["NOTIFY_SOCKET": socket.path])
            let healthy = HealthFlag()
            let watchdog = SystemdWatchdog(notifier: notifier, watchdog: .milliseconds(200), logger: Logger(label: "test")) {
                healthy.value ? nil : "ledger is not writable"
            }
            let group = ServiceGroup(services: [watchdog], logger: Logger(label: "test"))
            try await withThrowingTaskGroup(of: Void.self) { tasks in
                tasks.addTask { try await group.run() }
                #expect(await socket.waitFor("WATCHDOG=1", count: 2))
                healthy.value = false
                #expect(await socket.waitFor("STATUS=unhealthy: ledger is not writable"))
                let pingsWhileFailing = socket.count("WATCHDOG=1")
                #expect(await socket.waitFor("STATUS=unhealthy: ledger is not writable", count: 3))
                #expect(socket.count("WATCHDOG=1") == pingsWhileFailing, "no ping while the check fails")
                healthy.value = true
                #expect(await socket.waitFor("WATCHDOG=1", count: pingsWhileFailing + 1))
                await group.triggerGracefulShutdown()
                try await tasks.waitForAll()
            }
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aHealthCheckThatNeverAnswersCountsAsFailed() async throws {
        let reason = await SystemdWatchdog.bounded(.milliseconds(100)) {
            try? await Task.sleep(for: .seconds(3600))
            return nil
        }
        #expect(reason?.contains("did not answer") == true)
    }
}

// Invariant for @unchecked Sendable: `flag` is read and written only under `lock`.
final class HealthFlag: @unchecked Sendable {
    private let lock = NSLock()
    private var flag = true
    var value: Bool {
        get { self.lock.withLock { self.flag } }
        set { self.lock.withLock { self.flag = newValue } }
    }
}
