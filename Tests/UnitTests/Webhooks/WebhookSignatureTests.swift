import Testing
@testable import Webhooks

/// The signature receivers recompute: HMAC-SHA256 over `<t>.` + body, in hex.
@Suite struct WebhookSignatureTests {
    private let body = Array(#"{"event_id":"e"}"#.utf8)

    /// The expected value comes from `printf '%s' '1700000000.{"event_id":"e"}' | openssl dgst
    /// -sha256 -hmac whsec_0123456789abcdef`, a tool this project did not write.
    @Test func matchesAnIndependentHMACSHA256() {
        #expect(
            WebhookSignature.header(body: body, secret: "whsec_0123456789abcdef", unixSeconds: 1_700_000_000)
                == "t=1700000000,v1=6a3497a6660674130c895079bdc5b8c7707c87b5f3649d728d1a603c0b626528")
    }

    @Test func changesWithTheTimeTheSecretAndTheBody() {
        let signed = WebhookSignature.signature(body: body, secret: "whsec_0123456789abcdef", unixSeconds: 1_700_000_000)
        #expect(WebhookSignature.signature(body: body, secret: "whsec_0123456789abcdef", unixSeconds: 1_700_000_001) != signed)
        #expect(WebhookSignature.signature(body: body, secret: "whsec_0123456789abcdeF", unixSeconds: 1_700_000_000) != signed)
        #expect(WebhookSignature.signature(body: body + [0x20], secret: "whsec_0123456789abcdef", unixSeconds: 1_700_000_000) != signed)
    }
}
