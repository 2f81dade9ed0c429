import Foundation
import NIOCore
import Testing
@testable import APIModels
@testable import Core
@testable import SchedulerService

/// Decoding and checking of `PUT /queues/{name}` bodies, and queue names.
@Suite struct QueueSettingsRequestTests {
    private static func settings(_ json: String) throws(APIError) -> QueueSettings {
        try QueueSettingsRequest.settings(from: ByteBuffer(string: json))
    }

    @Test func readsEverySetting() throws {
        let settings = try Self.settings(
            #"{"concurrency_limit": 50, "key_concurrency_limit": 1, "rate_limit": {"limit": 100, "period_seconds": 60}, "paused": true}"#)
        #expect(settings == QueueSettings(concurrencyLimit: 50, keyConcurrencyLimit: 1, rateLimit: .init(limit: 100, periodSeconds: 60), paused: true))
        #expect(settings.isRestricted)
    }

    @Test func leftOutAndNullMeanNoLimit() throws {
        #expect(try Self.settings("{}") == QueueSettings())
        #expect(try Self.settings(#"{"concurrency_limit": null, "rate_limit": null, "paused": null}"#) == QueueSettings())
        #expect(!QueueSettings().isRestricted)
    }

    @Test(arguments: [
        (#"{"concurrency_limit": 0}"#, "\"concurrency_limit\" must be an integer from 1"),
        (#"{"concurrency_limit": -3}"#, "\"concurrency_limit\" must be an integer from 1"),
        (#"{"concurrency_limit": 2.5}"#, "\"concurrency_limit\" must be an integer from 1"),
        (#"{"concurrency_limit": "5"}"#, "\"concurrency_limit\" must be an integer from 1"),
        (#"{"key_concurrency_limit": true}"#, "\"key_concurrency_limit\" must be an integer from 1"),
        (#"{"paused": "yes"}"#, "\"paused\" must be true or false"),
        (#"{"paused": 1}"#, "\"paused\" must be true or false"),
        (#"{"rate_limit": 100}"#, "\"rate_limit\" must be an object"),
        (#"{"rate_limit": {"limit": 100}}"#, "\"rate_limit\" must be an object"),
        (#"{"rate_limit": {"limit": 100, "period_seconds": 0}}"#, "\"rate_limit.period_seconds\" must be an integer from 1"),
        (#"{"rate_limit": {"limit": 100, "period_seconds": 60, "burst": 5}}"#, "unknown field \"rate_limit.burst\""),
        (#"{"concurrency": 5}"#, "unknown field \"concurrency\""),
        (#"[1]"#, "the request body must be a JSON object of queue settings"),
    ])
    func badSettingsNameTheirField(json: String, messagePrefix: String) {
        do {
            let settings = try Self.settings(json)
            Issue.record("accepted \(json) as \(settings)")
        } catch {
            #expect(error.code == .invalidField, "\(json)")
            #expect(error.message.hasPrefix(messagePrefix), "\(json): \(error.message)")
        }
    }

    @Test func malformedJSONIsInvalidJSON() {
        #expect(throws: APIError.self) { try Self.settings("{") }
        do {
            _ = try Self.settings("{")
        } catch {
            #expect(error.code == .invalidJSON)
        }
    }

    @Test func queueNamesAreShortAndPlain() {
        for name in ["default", "a", "mail.send", "import_v2", "A-9", String(repeating: "q", count: 64)] {
            #expect(QueueRules.isValidName(name), "\(name)")
        }
        for name in ["", "with space", "a/b", "é", "a,b", "..", "-a", ".hidden", String(repeating: "q", count: 65)] {
            #expect(!QueueRules.isValidName(name), "\(name)")
        }
    }

    @Test func aQueueShowsEverySettingWithNullsForNoLimit() throws {
        let queue = QueueResponse(name: "q", settings: QueueSettings(concurrencyLimit: 3), counts: .init(scheduled: 2, due: 1))
        let json = String(decoding: try JSONEncoder().encode(queue), as: UTF8.self)
        for field in [#""concurrency_limit":3"#, #""key_concurrency_limit":null"#, #""rate_limit":null"#, #""paused":false"#, #""held_back":null"#] {
            #expect(json.contains(field), "\(json)")
        }
        let decoded = try JSONDecoder().decode(QueueResponse.self, from: Data(json.utf8))
        #expect(decoded.settings == queue.settings && decoded.counts == queue.counts && decoded.name == "q")
    }
}
