import HookForwarder
import Testing

/// The forwarder's blob retry is bounded whatever the sink or Microsoft asked for (issue 12 item 1).
@Suite("ForwardingPolicy bounds")
struct ForwardingPolicyBoundsTests {
    @Test("server waits are clamped to [1 s, maxServerWait]; absurd attempt numbers stay within the cap")
    func bounds() {
        let policy = ForwardingPolicy()
        #expect(policy.retryDelay(attempt: 1, serverRequested: .seconds(Int64.max)) == policy.maxServerWait)
        #expect(policy.retryDelay(attempt: 1, serverRequested: .seconds(86_400)) == policy.maxServerWait)
        #expect(policy.retryDelay(attempt: 1, serverRequested: .zero) == .seconds(1))
        #expect(policy.retryDelay(attempt: Int.max, serverRequested: nil, random: { $0.upperBound }) == policy.retryCap)
        #expect(policy.retryDelay(attempt: Int.min, serverRequested: nil, random: { $0.upperBound }) == policy.retryBase)
    }
}
