// activityhook-fixture: helpers for benchmarks and end-to-end tests. Never shipped to users.
//
//   activityhook-fixture bench-server [--port P] [--threads N]   POST handler answering 200 "ok"
//   activityhook-fixture bench-client URLS_FILE PARALLEL          fetch every URL, print totals
//   activityhook-fixture fuzz-notifications [--seconds S]        fuzz the notification parser/validator
//   activityhook-fixture fuzz-remote [--seconds S]               fuzz every parser of peers' answers
//   activityhook-fixture rate-client URL AUTH TENANT RATE SECONDS  constant-rate notification load
//   activityhook-fixture claim-bench PATH RECORDS WINDOW           record de-duplication claims per second
//   activityhook-fixture isolation-bench [SECONDS]                 alert latency beside a down/throttled sink
import Foundation
import HookHTTPClient

ProcessAllocator.tuneForLargeBuffers()

let arguments = Array(CommandLine.arguments.dropFirst())
let status: Int32
switch arguments.first {
case "bench-server": status = await benchServer(Array(arguments.dropFirst()))
case "bench-client": status = await benchClient(Array(arguments.dropFirst()))
case "fuzz-notifications": status = fuzzNotifications(Array(arguments.dropFirst()))
case "fuzz-remote": status = await fuzzRemote(Array(arguments.dropFirst()))
case "rate-client": status = await rateClient(Array(arguments.dropFirst()))
case "claim-bench": status = await claimBench(Array(arguments.dropFirst()))
case "isolation-bench": status = await isolationBench(Array(arguments.dropFirst()))
default:
    FileHandle.standardError.write(Data("usage: activityhook-fixture bench-server|bench-client …\n".utf8))
    status = 2
}
exit(status)
