import Foundation
import HookHTTPTypes
import HookLedger

extension Status {
    /// How many backfill jobs `status` shows, newest first.
    static let jobsShown = 10

    /// The backfill jobs and their progress: windows listed of planned, blobs found, blobs forwarded.
    static func renderJobs(_ jobs: [BackfillJob]) -> String {
        renderTable(["BACKFILL JOB", "STATE", "SINCE", "UNTIL", "WINDOWS", "BLOBS FOUND", "FORWARDED", "ERROR"], jobs.map { job in
            [String(job.id), job.state.rawValue, job.request.since.ISO8601Format(), job.request.until?.ISO8601Format() ?? "now",
             "\(job.windowsListed)/\(job.windowsTotal > 0 ? String(job.windowsTotal) : "?")", String(job.blobsFound),
             String(job.blobsForwarded), job.error ?? ""]
        })
    }

    /// One job in `status --json`.
    static func jobJSON(_ job: BackfillJob) -> String {
        var fields = [#""id":\#(job.id)"#, #""state":"\#(job.state.rawValue)""#, #""since":"\#(job.request.since.ISO8601Format())""#,
                      #""windowsListed":\#(job.windowsListed)"#, #""windowsTotal":\#(job.windowsTotal)"#,
                      #""blobsFound":\#(job.blobsFound)"#, #""blobsForwarded":\#(job.blobsForwarded)"#,
                      #""blobsFinished":\#(job.blobsFinished)"#]
        if let until = job.request.until { fields.append(#""until":"\#(until.ISO8601Format())""#) }
        if let tenant = job.request.tenantId { fields.append(#""tenantId":"\#(jsonEscaped(tenant))""#) }
        if let type = job.request.contentType { fields.append(#""contentType":"\#(jsonEscaped(type))""#) }
        if let error = job.error { fields.append(#""error":"\#(jsonEscaped(error))""#) }
        return "{" + fields.joined(separator: ",") + "}"
    }
}
