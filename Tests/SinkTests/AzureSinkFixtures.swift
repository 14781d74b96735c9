import Foundation
import HookConfig
import HookHTTPClient
import HookJSON
import HookEntraAuth
import HookRetry
import HookRecords
import HookSinks
import Logging
import SimulatorTestSupport
import Testing

/// Shared fixtures of the logs-ingestion and alert-webhook tests (a namespace, so names never collide).
enum AzureSinkFixtures {
    static let tenant = "11111111-1111-1111-1111-111111111111"
    static let app = "22222222-2222-2222-2222-222222222222"
    static let secret = "monitor-s3cret"
    static let dcr = "dcr-0123456789abcdef0123456789abcdef"
    static let stream = "Custom-O365Audit"
    static let logger = Logger(label: "azure-sink-test", factory: { _ in SwiftLogNoOpLogHandler() })
    static let source = BlobSource(blobId: 7, tenantId: tenant, contentType: "Audit.General",
                                   contentId: "20261129063000000000000$20261129063000000000000$audit_general$Audit_General$na0001")

    static func scenario(settings: String = "", faults: String = "") -> String {
        """
        {"settings":{"startThrottleSeconds":0\(settings)},
         "tenants":[{"id":"\(tenant)","apps":[{"clientId":"\(app)","secret":"\(secret)"}]}]\(faults.isEmpty ? "" : #","faults":\#(faults)"#)}
        """
    }

    /// The records of a JSON array, cut by the real splitter (original bytes and extracted fields).
    static func records(_ json: String) throws -> [SplitRecord] { try RecordSplitter.split(Array(json.utf8)) }

    /// `count` records of roughly `size` bytes each, with unique ids.
    static func paddedRecords(_ count: Int, size: Int = 1_000, recordType: Int = 25) throws -> [SplitRecord] {
        let items = (0..<count).map { index in
            let head = #"{"Id":"\#(String(format: "%08x", index))-0000-4000-8000-000000000000","RecordType":\#(recordType),"#
                + #""CreationTime":"2026-11-29T06:30:00","Operation":"MessageSent","OrganizationId":"\#(tenant)","#
                + #""Workload":"MicrosoftTeams","UserId":"user\#(index)@contoso.com","Pad":""#
            return head + String(repeating: "x", count: max(0, size - head.utf8.count - 2)) + #""}"#
        }
        return try Self.records("[" + items.joined(separator: ",") + "]")
    }

    /// A logs-ingestion transport against the simulator at `url`.
    static func transport(url: String, http: HTTPClient, secret: String = secret) -> (LogsIngestionTransport, TokenProvider) {
        let settings = TokenProvider.Settings(tenantId: tenant, clientId: app, credential: .clientSecret(Secret(secret)),
                                              loginURL: url, resource: "https://monitor.azure.com", tenantKey: "sinks[sentinel].credentials")
        let tokens = TokenProvider(settings: settings, http: http)
        let config = LogsIngestionSinkConfig(endpoint: url, dcrImmutableId: dcr, stream: stream)
        return (LogsIngestionTransport(name: "sentinel", config: config, tokens: tokens, http: http, logger: logger), tokens)
    }

    /// `GET /_sim/ingested` raw, and its `calls` parsed.
    static func ingested(url: String, http: HTTPClient) async throws -> (raw: [UInt8], calls: [JSONValue]) {
        let response = try await http.execute(HTTPClientRequest(url: "\(url)/_sim/ingested"), maxBodyBytes: 256 << 20)
        #expect(response.status == 200)
        let value = try JSONParser.parse(response.body, limits: .init(maxDepth: 64, rejectDuplicateKeys: false))
        return (response.body, value["calls"]?.arrayValue ?? [])
    }

    /// Posts to a `/_sim/…` control route.
    static func control(url: String, http: HTTPClient, _ name: String, _ json: String) async throws {
        let response = try await http.execute(HTTPClientRequest(method: "POST", url: "\(url)/_sim/\(name)",
                                                                headers: ["Content-Type": "application/json"], body: Array(json.utf8)))
        #expect(response.status == 200, "control \(name): \(String(decoding: response.body, as: UTF8.self))")
    }

    /// The error `body` throws, or nil when it succeeds.
    static func transportError(_ body: () async throws -> Void) async -> TransportError? {
        do {
            try await body()
            return nil
        } catch let error as TransportError {
            return error
        } catch {
            Issue.record("not a TransportError: \(error)")
            return nil
        }
    }
}

extension Array where Element == UInt8 {
    /// True when `needle` occurs in the array.
    func containsBytes(_ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= self.count else { return needle.isEmpty }
        let first = needle[0]
        var index = 0
        while index <= self.count - needle.count {
            if self[index] == first && self[index..<(index + needle.count)].elementsEqual(needle) { return true }
            index += 1
        }
        return false
    }
}
