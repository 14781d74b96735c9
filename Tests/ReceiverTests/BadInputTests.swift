import Foundation
import HookLedger
import HookTestSupport
import Testing

/// One hostile or malformed request and the status it must get, with no effect on the ledger.
struct BadInput: CustomTestStringConvertible, Sendable {
    let name: String
    let status: Int
    let method: String
    let path: String
    let headers: [String]
    let body: [UInt8]
    var testDescription: String { "\(self.name) → \(self.status)" }

    init(_ name: String, _ status: Int, method: String = "POST", path: String = "/activity-webhook",
         headers: [String] = ["Content-Type: application/json; utf-8", "Webhook-AuthID: \(authId)"], body: String) {
        self.init(name, status, method: method, path: path, headers: headers, bytes: Array(body.utf8))
    }

    init(_ name: String, _ status: Int, method: String = "POST", path: String = "/activity-webhook",
         headers: [String] = ["Content-Type: application/json; utf-8", "Webhook-AuthID: \(authId)"], bytes: [UInt8]) {
        self.name = name
        self.status = status
        self.method = method
        self.path = path
        self.headers = headers
        self.body = bytes
    }
}

let uriBase = "https://manage.office.com/api/v1.0/\(tenantA)/activity/feed/audit"
let json = ["Content-Type: application/json"]

let badInputs: [BadInput] = [
    BadInput("missing Webhook-AuthID", 401, headers: json, body: "[\(element())]"),
    BadInput("wrong Webhook-AuthID", 401, headers: json + ["Webhook-AuthID: nope"], body: "[\(element())]"),
    BadInput("auth id in other case", 401, headers: json + ["Webhook-AuthID: \(authId.uppercased())"], body: "[\(element())]"),
    BadInput("auth id prefix only", 401, headers: json + ["Webhook-AuthID: \(authId.prefix(8))"], body: "[\(element())]"),
    BadInput("auth id with extra suffix", 401, headers: json + ["Webhook-AuthID: \(authId)x"], body: "[\(element())]"),
    BadInput("empty auth id", 401, headers: json + ["Webhook-AuthID: "], body: "[\(element())]"),
    BadInput("GET on the webhook", 405, method: "GET", body: ""),
    BadInput("PUT on the webhook", 405, method: "PUT", body: "[\(element())]"),
    BadInput("DELETE on the webhook", 405, method: "DELETE", body: ""),
    BadInput("another path", 404, path: "/other", body: "[\(element())]"),
    BadInput("webhook path with a suffix", 404, path: "/activity-webhook/x", body: "[\(element())]"),
    BadInput("dot-dot path", 404, path: "/activity-webhook/../activity-webhook", body: "[\(element())]"),
    BadInput("text/plain body", 415, headers: ["Content-Type: text/plain", "Webhook-AuthID: \(authId)"], body: "[\(element())]"),
    BadInput("XML body", 415, headers: ["Content-Type: application/xml", "Webhook-AuthID: \(authId)"], body: "<a/>"),
    BadInput("truncated JSON", 400, body: "[\(element())"),
    BadInput("empty body", 400, body: ""),
    BadInput("empty array", 400, body: "[]"),
    BadInput("JSON string", 400, body: "\"hello\""),
    BadInput("JSON number", 400, body: "42"),
    BadInput("object without validationCode", 400, body: "{\"hello\":1}"),
    BadInput("array of numbers", 400, body: "[1,2,3]"),
    BadInput("element without contentUri", 400, body: "[\(element(overrides: ["contentUri": nil]))]"),
    BadInput("element without tenantId", 400, body: "[\(element(overrides: ["tenantId": nil]))]"),
    BadInput("element without contentId", 400, body: "[\(element(overrides: ["contentId": nil]))]"),
    BadInput("unknown tenant", 400, body: "[\(element(overrides: ["tenantId": "99999999-2222-3333-4444-555555555555"]))]"),
    BadInput("content type not subscribed", 400, body: "[\(element(overrides: ["contentType": "Audit.Exchange"]))]"),
    BadInput("foreign contentUri host", 400, body: "[\(element(overrides: ["contentUri": "https://evil.example/api/v1.0/\(tenantA)/activity/feed/audit/x"]))]"),
    BadInput("http instead of https", 400, body: "[\(element(overrides: ["contentUri": "http://manage.office.com/api/v1.0/\(tenantA)/activity/feed/audit/x"]))]"),
    BadInput("another port", 400, body: "[\(element(overrides: ["contentUri": "https://manage.office.com:8443/api/v1.0/\(tenantA)/activity/feed/audit/x"]))]"),
    BadInput("userinfo to evil host", 400, body: "[\(element(overrides: ["contentUri": "https://api@evil.example/api/v1.0/\(tenantA)/activity/feed/audit/x"]))]"),
    BadInput("userinfo with the right host", 400, body: "[\(element(overrides: ["contentUri": "https://user:pw@manage.office.com/api/v1.0/\(tenantA)/activity/feed/audit/x"]))]"),
    BadInput("host as userinfo of evil", 400, body: "[\(element(overrides: ["contentUri": "https://manage.office.com@evil.example/api/v1.0/\(tenantA)/activity/feed/audit/x"]))]"),
    BadInput("dot-dot in contentUri", 400, body: "[\(element(overrides: ["contentUri": "\(uriBase)/../../subscriptions/start"]))]"),
    BadInput("encoded traversal in contentUri", 400, body: "[\(element(overrides: ["contentUri": "\(uriBase)/%2e%2e%2fsubscriptions"]))]"),
    BadInput("upper-case encoded traversal", 400, body: "[\(element(overrides: ["contentUri": "\(uriBase)/%2E%2E%2Fsubscriptions"]))]"),
    // Found by the fuzzer: the fast prefix check accepted an empty content id followed by a query.
    BadInput("empty content id before a query", 400, body: "[\(element(overrides: ["contentUri": "\(uriBase)/?./x"]))]"),
    BadInput("encoded backslash", 400, body: "[\(element(overrides: ["contentUri": "\(uriBase)/x%5Cy"]))]"),
    BadInput("another tenant in the path", 400, body: "[\(element(overrides: ["contentUri": "https://manage.office.com/api/v1.0/99999999-2222-3333-4444-555555555555/activity/feed/audit/x"]))]"),
    BadInput("path outside /audit/", 400, body: "[\(element(overrides: ["contentUri": "https://manage.office.com/api/v1.0/\(tenantA)/activity/feed/subscriptions/start"]))]"),
    BadInput("fragment in contentUri", 400, body: "[\(element(overrides: ["contentUri": "\(uriBase)/x#frag"]))]"),
    BadInput("bad contentCreated", 400, body: "[\(element(overrides: ["contentCreated": "yesterday"]))]"),
    BadInput("contentId as a number", 400, body: "[\(element().replacingOccurrences(of: "\"contentId\":\"20261129060000000000000000000000001$001\"", with: "\"contentId\":1"))]"),
    BadInput("invalid UTF-8 in a string", 400, bytes: Array("[{\"tenantId\":\"".utf8) + [0xC3, 0x28] + Array("\"}]".utf8)),
    BadInput("nested 10,000 levels", 400, body: String(repeating: "[", count: 10_000) + String(repeating: "]", count: 10_000)),
    BadInput("duplicate keys", 400, body: "[" + element().dropLast() + ",\"tenantId\":\"\(tenantA)\"}]"),
    BadInput("trailing garbage", 400, body: "[\(element())] x"),
    BadInput("NUL byte", 400, bytes: Array("[\(element())]".utf8) + [0]),
    BadInput("lone surrogate escape", 400, body: "[{\"tenantId\":\"\\ud800\"}]"),
    BadInput("body over maxBodyBytes", 413, body: "[" + Array(repeating: element(), count: 1_200).joined(separator: ",") + "]"),
]

@Suite("Receiver: hostile and malformed requests")
struct BadInputTests {
    @Test("each gets its status and leaves the ledger untouched", arguments: badInputs)
    func badInput(_ input: BadInput) async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger, maxBodyBytes: 256 << 10) { server, _ in
            let status = try await rawStatus(server.port, method: input.method, path: input.path, headers: input.headers, body: input.body)
            #expect(status == input.status)
            #expect(try await blobCount(ledger) == 0)
        }
    }

    @Test("the table has at least 40 cases")
    func tableSize() { #expect(badInputs.count >= 40) }

    @Test("a declared 100 MB body is refused with 413 before it is sent")
    func hugeBody() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger) { server, _ in
            let socket = try RawSocket(port: server.port)
            socket.send("POST /activity-webhook HTTP/1.1\r\nHost: r\r\nWebhook-AuthID: \(authId)\r\nContent-Type: application/json\r\nContent-Length: 104857600\r\n\r\n")
            #expect(await socket.readStatus() == 413)
            #expect(try await blobCount(ledger) == 0)
        }
    }

    @Test("a slowloris client is cut off by the connection timeout and stores nothing")
    func slowloris() async throws {
        let ledger = InMemoryLedger()
        try await withReceiver(ledger: ledger, connectionTimeout: 1) { server, _ in
            let socket = try RawSocket(port: server.port, readTimeout: 15)
            let body = "[\(element())]"
            socket.send("POST /activity-webhook HTTP/1.1\r\nHost: r\r\nWebhook-AuthID: \(authId)\r\nContent-Length: \(body.utf8.count)\r\n\r\n")
            socket.send(String(body.prefix(10)))  // and then nothing more
            let (received, elapsed) = await socket.readAllTimed()
            #expect(received.isEmpty)
            #expect(elapsed < .seconds(10))
            #expect(try await blobCount(ledger) == 0)
        }
    }
}
