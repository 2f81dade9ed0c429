import Foundation
import NIOCore
import Core

/// The body of `POST /schedules/{id}/backfill`: `{"start": "<RFC 3339>", "end": "<RFC 3339>"}`,
/// `end` after `start`.
struct BackfillRange: Sendable {
    /// Most fire times one call creates.
    static let maxFires = 10_000

    var start: Timestamp
    var end: Timestamp

    private struct Body: Decodable {
        var start: String
        var end: String
    }

    static func decode(from body: ByteBuffer) throws(APIError) -> BackfillRange {
        let expectation = "a JSON object with \"start\" and \"end\" (RFC 3339 date-times)"
        let data = try ScheduleRequest.nonEmptyData(body, expecting: expectation)
        let fields: Body
        do {
            fields = try JSONDecoder().decode(Body.self, from: data)
        } catch is DecodingError {
            guard (try? JSONSerialization.jsonObject(with: data, options: [.fragmentsAllowed])) != nil else {
                throw ScheduleRequest.invalidJSON(body: data)
            }
            throw APIError(.invalidField, "the request body must be \(expectation)")
        } catch {
            throw ScheduleRequest.invalidJSON(body: data)
        }
        let range = BackfillRange(
            start: try ScheduleRequest.date(fields.start, field: "start"), end: try ScheduleRequest.date(fields.end, field: "end"))
        guard range.start < range.end else { throw APIError(.invalidField, "\"end\" must be after \"start\"") }
        return range
    }
}
