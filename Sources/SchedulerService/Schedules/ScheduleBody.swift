import Foundation
import NIOCore
import APIModels
import Core
import Recurrence
import TaskStorage

/// The body of `POST /schedules` (which needs `cron` and `command`) and of `PATCH
/// /schedules/{id}` (any fields). Unknown fields are ignored; `null` means absent.
struct ScheduleBody: Decodable, Sendable {
    static let nameLengthRange = 1...200
    static let secondsRange = 0...Int(Int32.max)

    var name: String?
    var cron: String?
    var timezone: String?
    var command: String?
    var maxAttempts: Int?
    var timeoutSeconds: Int?
    var overlap: OverlapPolicy?
    var catchupWindowSeconds: Int?
    var jitterSeconds: Int?
    var startAt: Timestamp?
    var endAt: Timestamp?
    var paused: Bool?
    var queue: String?
    var priority: Int?
    var concurrencyKey: String?

    enum CodingKeys: String, CodingKey, CaseIterable {
        case name, cron, timezone, command
        case maxAttempts = "max_attempts"
        case timeoutSeconds = "timeout_seconds"
        case overlap
        case catchupWindowSeconds = "catchup_window_seconds"
        case jitterSeconds = "jitter_seconds"
        case startAt = "start_at"
        case endAt = "end_at"
        case paused
        case queue, priority
        case concurrencyKey = "concurrency_key"

        /// What a valid value looks like, for error messages.
        var expectation: String {
            switch self {
            case .name: "a string of \(nameLengthRange.lowerBound) to \(nameLengthRange.upperBound) characters without NUL"
            case .cron, .command: "a string"
            case .timezone: "an IANA time zone name such as Europe/Berlin"
            case .maxAttempts: "an integer from 1 to 100"
            case .timeoutSeconds: "a whole number of seconds from 1 to \(Int32.max)"
            case .overlap: "one of " + OverlapPolicy.allCases.map(\.rawValue).joined(separator: ", ")
            case .catchupWindowSeconds: "a whole number of seconds from 1 to \(Int32.max)"
            case .jitterSeconds: "a whole number of seconds from 0 to \(Int32.max)"
            case .startAt, .endAt: "an RFC 3339 date-time string such as \(ScheduleRequest.dateExample)"
            case .paused: "true or false"
            case .queue: "a queue name: \(QueueRules.nameRule)"
            case .priority: QueueRules.priorityRule
            case .concurrencyKey: QueueRules.concurrencyKeyRule
            }
        }

        var invalid: APIError { APIError(.invalidField, "\"\(rawValue)\" must be \(expectation)") }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        func value<Value: Decodable>(_ key: CodingKeys, as type: Value.Type = Value.self) throws(APIError) -> Value? {
            do {
                return try container.decodeIfPresent(Value.self, forKey: key)
            } catch {
                throw key.invalid
            }
        }
        /// Decoded through `Double`, so that `1.5` is reported against its field.
        func integer(_ key: CodingKeys, in range: ClosedRange<Int>) throws(APIError) -> Int? {
            guard let number = try value(key, as: Double.self) else { return nil }
            guard let integer = Int(exactly: number), range.contains(integer) else { throw key.invalid }
            return integer
        }
        func date(_ key: CodingKeys) throws(APIError) -> Timestamp? {
            try value(key, as: String.self).map { text throws(APIError) in try ScheduleRequest.date(text, field: key.rawValue) }
        }
        name = try value(.name)
        cron = try value(.cron)
        timezone = try value(.timezone)
        command = try value(.command)
        maxAttempts = try integer(.maxAttempts, in: ScheduleRequest.maxAttemptsRange)
        timeoutSeconds = try integer(.timeoutSeconds, in: ScheduleRequest.timeoutSecondsRange)
        overlap = try value(.overlap, as: String.self).map { text throws(APIError) in
            guard let policy = OverlapPolicy(rawValue: text) else { throw CodingKeys.overlap.invalid }
            return policy
        }
        catchupWindowSeconds = try integer(.catchupWindowSeconds, in: 1...Self.secondsRange.upperBound)
        jitterSeconds = try integer(.jitterSeconds, in: Self.secondsRange)
        startAt = try date(.startAt)
        endAt = try date(.endAt)
        paused = try value(.paused)
        queue = try value(.queue, as: String.self).map { name throws(APIError) in
            guard QueueRules.isValidName(name) else { throw CodingKeys.queue.invalid }
            return name
        }
        priority = try integer(.priority, in: QueueRules.priorityRange)
        concurrencyKey = try value(.concurrencyKey, as: String.self).map { key throws(APIError) in
            guard QueueRules.isValidConcurrencyKey(key) else { throw CodingKeys.concurrencyKey.invalid }
            return key
        }
    }

    /// Decodes a request body, whatever its declared content type.
    static func decode(from body: ByteBuffer) throws(APIError) -> ScheduleBody {
        let data = try ScheduleRequest.nonEmptyData(body, expecting: "a JSON object describing a schedule")
        do {
            return try JSONDecoder().decode(ScheduleBody.self, from: data)
        } catch let error as APIError {
            throw error
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw APIError(.invalidField, "the request body must be a JSON object describing a schedule")
        } catch {
            throw ScheduleRequest.invalidJSON(body: data)
        }
    }

    /// The definition of a new schedule: `cron` and `command` are needed, the rest has defaults.
    func newDefinition() throws(APIError) -> ScheduleDefinition {
        guard let cron else { throw APIError(.invalidField, "missing field \"cron\"") }
        guard let command else { throw APIError(.invalidField, "missing field \"command\"") }
        return try applied(to: ScheduleDefinition(cron: cron, command: command))
    }

    /// `definition` with the fields this body gives changed, checked.
    func applied(to definition: ScheduleDefinition) throws(APIError) -> ScheduleDefinition {
        var changed = definition
        if let name {
            guard Self.nameLengthRange.contains(name.unicodeScalars.count), !name.utf8.contains(0) else {
                throw CodingKeys.name.invalid
            }
            changed.name = name
        }
        if let cron { changed.cron = cron }
        if let timezone { changed.timezone = timezone }
        if let command {
            try ScheduleRequest.check(command: command)
            changed.command = command
        }
        if let maxAttempts { changed.maxAttempts = maxAttempts }
        if let timeoutSeconds { changed.timeoutSeconds = timeoutSeconds }
        if let overlap { changed.overlap = overlap }
        if let catchupWindowSeconds { changed.catchupWindowSeconds = catchupWindowSeconds }
        if let jitterSeconds { changed.jitterSeconds = jitterSeconds }
        if let startAt { changed.startAt = startAt }
        if let endAt { changed.endAt = endAt }
        if let paused { changed.paused = paused }
        if let queue { changed.placement.queue = queue }
        if let priority { changed.placement.priority = priority }
        if let concurrencyKey { changed.placement.concurrencyKey = concurrencyKey }
        return changed
    }
}

extension ScheduleDefinition {
    /// The fire times of this definition for a schedule created at `createdAt`; refuses a cron,
    /// zone or time range that cannot be used with `400 invalid_schedule`.
    func checkedCalendar(createdAt: Timestamp) throws(APIError) -> FireCalendar {
        if let startAt, let endAt, endAt <= startAt {
            throw APIError(.invalidSchedule, "\"end_at\" must be after \"start_at\"")
        }
        do {
            return try calendar(createdAt: createdAt)
        } catch {
            throw APIError(.invalidSchedule, "\"\(error.field == "timezone" ? "timezone" : "cron")\": \(error)")
        }
    }
}
