@testable import HookSinks
import HookHTTPClient
import SinkFakes
import Testing

#if canImport(Glibc)
import Glibc
#endif

@Suite("Error classification")
struct ErrorClassificationTests {
    static func isRetryable(_ error: TransportError) -> Bool {
        if case .retryable = error { true } else { false }
    }

    @Test("file errors: a full disk is retryable, no permission is permanent; both name the path")
    func fileErrors() {
        let full = FileIO.error(ENOSPC, "write", "/var/log/a.jsonl")
        #expect(Self.isRetryable(full) && full.message.contains("/var/log/a.jsonl") && full.message.contains("write"))
        let denied = FileIO.error(EACCES, "open", "/var/log/a.jsonl")
        #expect(!Self.isRetryable(denied) && denied.message.contains("/var/log/a.jsonl"))
        #expect(!Self.isRetryable(FileIO.error(EROFS, "open", "/x")) && Self.isRetryable(FileIO.error(EIO, "fsync", "/x")))
    }

    static func response(_ status: Int, _ body: String, headers: HTTPHeaders = HTTPHeaders()) -> HTTPClientResponse {
        HTTPClientResponse(head: HTTPClientResponseHead(status: status, headers: headers), body: Array(body.utf8))
    }

    @Test("HEC answers: success with or without ackId, busy and throttled retryable, bad data permanent")
    func hecAnswers() throws {
        #expect(try SplunkHECResponse.accepted(Self.response(200, #"{"text":"Success","code":0}"#), expectAck: false).get() == nil)
        #expect(try SplunkHECResponse.accepted(Self.response(200, #"{"text":"Success","code":0,"ackId":7}"#), expectAck: true).get() == 7)
        guard case .failure(let noAck) = SplunkHECResponse.accepted(Self.response(200, #"{"text":"Success","code":0}"#), expectAck: true)
        else { Issue.record("a missing ackId must fail"); return }
        #expect(!Self.isRetryable(noAck) && noAck.message.contains("useACK"))

        guard case .failure(.retryable(let busy, let after)) = SplunkHECResponse.accepted(
            Self.response(503, #"{"text":"Server is busy","code":9}"#, headers: ["Retry-After": "7"]), expectAck: false)
        else { Issue.record("503 must be retryable"); return }
        #expect(busy.contains("Server is busy") && busy.contains("code 9") && after == .seconds(7))

        guard case .failure(.permanent(let invalid)) = SplunkHECResponse.accepted(
            Self.response(400, #"{"text":"Invalid data format","code":6}"#), expectAck: false)
        else { Issue.record("400 must be permanent"); return }
        #expect(invalid.contains("400") && invalid.contains("Invalid data format"))
        #expect(Self.isRetryable(SplunkHECResponse.failure(HTTPClientError(.connect, "refused"), url: "http://h")))
        #expect(!Self.isRetryable(SplunkHECResponse.failure(HTTPClientError(.tls, "bad certificate"), url: "https://h")))
    }

    @Test("HEC acknowledgement answers map ackIds to their state")
    func ackAnswers() throws {
        let acks = try SplunkHECResponse.acks(Self.response(200, #"{"acks":{"0":true,"1":false,"12":true}}"#)).get()
        #expect(acks == [0: true, 1: false, 12: true])
        guard case .failure(.permanent) = SplunkHECResponse.acks(Self.response(400, #"{"text":"ACK is disabled","code":14}"#))
        else { Issue.record("ACK disabled must be permanent"); return }
    }
}
