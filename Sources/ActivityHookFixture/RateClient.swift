import Foundation
import HookHTTPClient
import HookTestSupport
import Synchronization

/// A constant-rate load generator (wrk2-style): sends notifications at fixed intended times and
/// measures each latency from its *intended* send time, so a stalled server cannot hide its queueing
/// delay (no coordinated omission).
///
///     activityhook-fixture rate-client URL AUTH_ID TENANT RATE SECONDS [BLOBS]
///
/// Prints `sent=N ok=N p50_ms=… p99_ms=… max_ms=…`.
func rateClient(_ arguments: [String]) async -> Int32 {
    guard arguments.count >= 5, let rate = Double(arguments[3]), let seconds = Double(arguments[4]), rate > 0 else {
        FileHandle.standardError.write(Data("usage: rate-client URL AUTH_ID TENANT RATE SECONDS [BLOBS]\n".utf8))
        return 2
    }
    let (url, auth, tenant) = (arguments[0], arguments[1], arguments[2])
    let blobs = arguments.count > 5 ? Int(arguments[5]) ?? 1 : 1
    let total = Int(rate * seconds)
    let interval = 1.0 / rate
    guard let client = try? HTTPClient(configuration: HTTPClientConfiguration(maxConcurrentTransfers: 64)) else { return 1 }
    defer { client.shutdown() }
    let results = Mutex<(latencies: [Double], ok: Int, done: Int)>(([], 0, 0))
    let run = UInt64.random(in: 0..<UInt64.max)
    let start = DispatchTime.now().uptimeNanoseconds
    await withCheckedContinuation { (finished: CheckedContinuation<Void, Never>) in
      // Pacing sleeps on a dedicated thread, never on the cooperative pool.
      Thread.detachNewThread {
        for index in 0..<total {
            let intended = start + UInt64(Double(index) * interval * 1e9)
            let now = DispatchTime.now().uptimeNanoseconds
            if intended > now { usleep(UInt32((intended - now) / 1000)) }  // pacing thread only, not the pool
            let body = notificationBody(tenant: tenant, prefix: "rate-\(run)-\(index)", count: blobs)
            let request = HTTPClientRequest(method: "POST", url: url,
                                            headers: ["Content-Type": "application/json", "Webhook-AuthID": auth], body: body)
            client.execute(request) { result in
                let latency = Double(DispatchTime.now().uptimeNanoseconds - intended) / 1e6
                let last = results.withLock { state -> Bool in
                    state.latencies.append(latency)
                    if case .success(let response) = result, response.status == 200 { state.ok += 1 }
                    state.done += 1
                    return state.done == total
                }
                if last { finished.resume() }
            }
        }
      }
    }
    let (latencies, ok) = results.withLock { ($0.latencies.sorted(), $0.ok) }
    func percentile(_ p: Double) -> Double { latencies[min(latencies.count - 1, Int(Double(latencies.count) * p))] }
    print(String(format: "sent=%d ok=%d p50_ms=%.2f p99_ms=%.2f max_ms=%.2f", total, ok, percentile(0.5), percentile(0.99),
                 latencies.last ?? 0))
    return ok == total ? 0 : 1
}

/// A realistic notification array of `count` blobs with distinct contentIds.
func notificationBody(tenant: String, prefix: String, count: Int) -> [UInt8] {
    let dates = NoticeDates.current()  // serve refuses notices whose dates are implausible now
    let elements = (0..<count).map { index in
        let id = "\(prefix)-\(index)$20261129060000"
        return #"{"tenantId":"\#(tenant)","clientId":"66666666-7777-8888-9999-000000000000","contentType":"Audit.General","#
            + #""contentId":"\#(id)","contentUri":"https://manage.office.com/api/v1.0/\#(tenant)/activity/feed/audit/\#(id)","#
            + #""contentCreated":"\#(dates.created)","contentExpiration":"\#(dates.expiration)"}"#
    }
    return Array("[\(elements.joined(separator: ","))]".utf8)
}
