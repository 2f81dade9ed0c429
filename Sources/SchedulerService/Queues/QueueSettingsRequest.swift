import Foundation
import NIOCore
import APIModels
import Core

/// The body of `PUT /queues/{name}`: a JSON object with `concurrency_limit`,
/// `key_concurrency_limit`, `rate_limit` (`{"limit", "period_seconds"}`) and `paused`, each
/// optional (left out or `null`: no limit, not paused). A field this API does not know, a value
/// of the wrong type or out of range is refused with `400 invalid_field` naming the field.
struct QueueSettingsRequest: Decodable {
    static let limitRange = 1...Int(Int32.max)

    var settings: QueueSettings

    static func settings(from body: ByteBuffer) throws(APIError) -> QueueSettings {
        let data = try ScheduleRequest.nonEmptyData(body, expecting: "a JSON object of queue settings")
        do {
            return try JSONDecoder().decode(QueueSettingsRequest.self, from: data).settings
        } catch let error as APIError {
            throw error
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw APIError(.invalidField, "the request body must be a JSON object of queue settings")
        } catch {
            throw ScheduleRequest.invalidJSON(body: data)
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: JSONFieldName.self)
        try Self.refuseUnknownFields(in: container, known: QueueSettings.CodingKeys.allCases.map(\.rawValue), prefix: "")
        var rateLimit: QueueSettings.RateLimit?
        if try container.contains(JSONFieldName("rate_limit")) && !container.decodeNil(forKey: JSONFieldName("rate_limit")) {
            let expectation = "\"rate_limit\" must be an object {\"limit\": N, \"period_seconds\": S} of whole numbers from 1, or null"
            guard let rate = try? container.nestedContainer(keyedBy: JSONFieldName.self, forKey: JSONFieldName("rate_limit")) else {
                throw APIError(.invalidField, expectation)
            }
            try Self.refuseUnknownFields(in: rate, known: ["limit", "period_seconds"], prefix: "rate_limit.")
            guard let limit = try Self.limit("limit", in: rate, prefix: "rate_limit."),
                let period = try Self.limit("period_seconds", in: rate, prefix: "rate_limit.")
            else {
                throw APIError(.invalidField, expectation)
            }
            rateLimit = QueueSettings.RateLimit(limit: limit, periodSeconds: period)
        }
        let paused: Bool?
        do {
            paused = try container.decodeIfPresent(Bool.self, forKey: JSONFieldName("paused"))
        } catch {
            throw APIError(.invalidField, "\"paused\" must be true or false")
        }
        settings = QueueSettings(
            concurrencyLimit: try Self.limit("concurrency_limit", in: container),
            keyConcurrencyLimit: try Self.limit("key_concurrency_limit", in: container),
            rateLimit: rateLimit, paused: paused ?? false)
    }

    /// A whole number from 1, or nil for a field left out or `null`. Decoded through `Double`,
    /// so that `1.5` is reported against its field.
    private static func limit(
        _ name: String, in container: KeyedDecodingContainer<JSONFieldName>, prefix: String = ""
    ) throws(APIError) -> Int? {
        let number: Double?
        do {
            number = try container.decodeIfPresent(Double.self, forKey: JSONFieldName(name))
        } catch {
            throw invalidLimit(prefix + name)
        }
        guard let number else { return nil }
        guard let integer = Int(exactly: number), limitRange.contains(integer) else { throw invalidLimit(prefix + name) }
        return integer
    }

    private static func invalidLimit(_ field: String) -> APIError {
        APIError(.invalidField, "\"\(field)\" must be an integer from 1 to \(limitRange.upperBound), or null for no limit")
    }

    private static func refuseUnknownFields(
        in container: KeyedDecodingContainer<JSONFieldName>, known: [String], prefix: String
    ) throws(APIError) {
        if let unknown = container.allKeys.map(\.stringValue).sorted().first(where: { !known.contains($0) }) {
            throw APIError(.invalidField, "unknown field \"\(prefix)\(unknown)\"; the fields are \(known.joined(separator: ", "))")
        }
    }
}
