import NIOCore
import Testing
@testable import APIModels
@testable import Core
@testable import SchedulerService

/// Decoding and checking of `POST /webhooks` bodies.
@Suite struct WebhookRequestTests {
    private static func validated(_ json: String) throws(APIError) -> (url: String, events: [String], secret: String, queue: String?) {
        try WebhookRequest.decode(from: ByteBuffer(string: json)).validated()
    }

    @Test func readsEveryFieldAndDropsRepeatedEvents() throws {
        let webhook = try Self.validated(
            #"{"url": "https://example.com/hook", "events": ["task.failed", "task.failed", "schedule.missed"], "secret": "0123456789abcdef", "queue": "mail"}"#)
        #expect(webhook.url == "https://example.com/hook")
        #expect(webhook.events == ["task.failed", "schedule.missed"])
        #expect(webhook.secret == "0123456789abcdef" && webhook.queue == "mail")
    }

    @Test(arguments: [
        (#"{"events": ["task.failed"], "secret": "0123456789abcdef"}"#, "missing field \"url\""),
        (#"{"url": "https://e.com", "secret": "0123456789abcdef"}"#, "missing field \"events\""),
        (#"{"url": "https://e.com", "events": ["task.failed"]}"#, "missing field \"secret\""),
        (#"{"url": 5, "events": ["task.failed"], "secret": "0123456789abcdef"}"#, "\"url\" must be an http or https URL"),
        (#"{"url": "ftp://e.com", "events": ["task.failed"], "secret": "0123456789abcdef"}"#, "\"url\" must be http or https"),
        (#"{"url": "https://e.com", "events": "task.failed", "secret": "0123456789abcdef"}"#, "\"events\" must be an array"),
        (#"{"url": "https://e.com", "events": [], "secret": "0123456789abcdef"}"#, "\"events\" must name at least one"),
        (#"{"url": "https://e.com", "events": ["task.done"], "secret": "0123456789abcdef"}"#, "\"events\": unknown event \"task.done\""),
        (#"{"url": "https://e.com", "events": ["task.failed"], "secret": "short"}"#, "\"secret\" must be 16 to 256 characters"),
        (#"{"url": "https://e.com", "events": ["task.failed"], "secret": "0123456789abcdef", "queue": "a b"}"#, "\"queue\" must be a queue name"),
        (#"{"url": "https://e.com", "events": ["task.failed"], "secret": "0123456789abcdef", "retries": 3}"#, "unknown field \"retries\""),
        (#"["https://e.com"]"#, "the request body must be a JSON object"),
    ])
    func badWebhooksNameTheirField(json: String, messagePrefix: String) {
        do {
            let webhook = try Self.validated(json)
            Issue.record("accepted \(json) as \(webhook)")
        } catch {
            #expect(error.code == .invalidField, "\(json)")
            #expect(error.message.hasPrefix(messagePrefix), "\(json): \(error.message)")
        }
    }
}
