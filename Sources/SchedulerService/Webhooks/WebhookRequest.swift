import Foundation
import NIOCore
import APIModels
import Core

/// The body of `POST /webhooks`: `{"url": "https://…", "events": ["task.failed", …], "secret":
/// "…", "queue": "…"}`. `url`, `events` and `secret` are needed; a field this API does not know,
/// a value of the wrong type or out of range is refused with `400 invalid_field` naming it.
struct WebhookRequest: Decodable, Sendable {
    var url: String
    var events: [String]
    var secret: String
    var queue: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case url, events, secret, queue
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: JSONFieldName.self)
        let known = CodingKeys.allCases.map(\.rawValue)
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw APIError(.invalidField, "unknown field \"\(unknown)\"; a webhook's fields are \(known.joined(separator: ", "))")
        }
        func value<Value: Decodable>(_ key: CodingKeys, _ expectation: String) throws(APIError) -> Value? {
            do {
                return try container.decodeIfPresent(Value.self, forKey: JSONFieldName(key.rawValue))
            } catch {
                throw APIError(.invalidField, "\"\(key.rawValue)\" must be \(expectation)")
            }
        }
        guard let url: String = try value(.url, "an http or https URL") else { throw APIError(.invalidField, "missing field \"url\"") }
        guard let events: [String] = try value(.events, "an array of event types") else {
            throw APIError(.invalidField, "missing field \"events\"")
        }
        guard let secret: String = try value(.secret, "a string") else { throw APIError(.invalidField, "missing field \"secret\"") }
        self.url = url
        self.events = events
        self.secret = secret
        queue = try value(.queue, "a queue name: \(QueueRules.nameRule)")
    }

    static func decode(from body: ByteBuffer) throws(APIError) -> WebhookRequest {
        let data = try ScheduleRequest.nonEmptyData(body, expecting: "a JSON object with \"url\", \"events\" and \"secret\"")
        do {
            return try JSONDecoder().decode(WebhookRequest.self, from: data)
        } catch let error as APIError {
            throw error
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw APIError(.invalidField, "the request body must be a JSON object with \"url\", \"events\" and \"secret\"")
        } catch {
            throw ScheduleRequest.invalidJSON(body: data)
        }
    }

    /// Checks every field; returns the events without repeats, in the order given.
    func validated() throws(APIError) -> (url: String, events: [String], secret: String, queue: String?) {
        do {
            _ = try WebhookTarget(url: url)
        } catch {
            throw APIError(.invalidField, "\"url\" \(error)")
        }
        let types = WebhookRules.eventTypes
        guard !events.isEmpty else {
            throw APIError(.invalidField, "\"events\" must name at least one of \(types.joined(separator: ", "))")
        }
        if let unknown = events.first(where: { !types.contains($0) }) {
            throw APIError(.invalidField, "\"events\": unknown event \"\(unknown)\"; the events are \(types.joined(separator: ", "))")
        }
        guard WebhookRules.secretLengthRange.contains(secret.unicodeScalars.count), !secret.utf8.contains(0) else {
            throw APIError(
                .invalidField,
                "\"secret\" must be \(WebhookRules.secretLengthRange.lowerBound) to \(WebhookRules.secretLengthRange.upperBound) characters without NUL")
        }
        if let queue, !QueueRules.isValidName(queue) {
            throw APIError(.invalidField, "\"queue\" must be a queue name: \(QueueRules.nameRule)")
        }
        var seen = Set<String>()
        return (url, events.filter { seen.insert($0).inserted }, secret, queue)
    }
}
