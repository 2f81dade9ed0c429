import Foundation
import NIOCore
import APIModels
import Core
import TaskStorage

/// The body of `POST /schedule` and each element of `POST /schedule/batch`: `{"command": "...",
/// "scheduled_at": "<RFC 3339>", "max_attempts": 1...100, "timeout_seconds": > 0,
/// "idempotency_key": "...", "queue": "...", "priority": -100...100, "concurrency_key": "..."}`.
/// Unknown fields are ignored; `null` for an optional field means absent.
struct ScheduleRequest: Decodable, Sendable, Hashable {
    static let maxCommandBytes = 64 * 1024
    static let maxAttemptsRange = 1...100
    static let timeoutSecondsRange = 1...Int(Int32.max)
    /// In characters (Unicode scalars), as JSON Schema's `maxLength` counts.
    static let idempotencyKeyLengthRange = 1...255
    static let dateExample = "2023-12-25T22:34:00+05:30"

    var command: String
    var scheduledAt: String
    var maxAttempts: Int?
    var timeoutSeconds: Int?
    var idempotencyKey: String?
    var queue: String?
    var priority: Int?
    var concurrencyKey: String?

    enum CodingKeys: String, CodingKey {
        case command
        case scheduledAt = "scheduled_at"
        case maxAttempts = "max_attempts"
        case timeoutSeconds = "timeout_seconds"
        case idempotencyKey = "idempotency_key"
        case queue
        case priority
        case concurrencyKey = "concurrency_key"

        /// What a valid value looks like, for error messages.
        var expectation: String {
            switch self {
            case .command: "a string"
            case .scheduledAt: "an RFC 3339 date-time string such as \(ScheduleRequest.dateExample)"
            case .maxAttempts:
                "an integer from \(maxAttemptsRange.lowerBound) to \(maxAttemptsRange.upperBound)"
            case .timeoutSeconds:
                "a whole number of seconds from \(timeoutSecondsRange.lowerBound) to \(timeoutSecondsRange.upperBound)"
            case .idempotencyKey:
                "a string of \(idempotencyKeyLengthRange.lowerBound) to \(idempotencyKeyLengthRange.upperBound) characters without NUL"
            case .queue: "a queue name: \(QueueRules.nameRule)"
            case .priority: QueueRules.priorityRule
            case .concurrencyKey: QueueRules.concurrencyKeyRule
            }
        }
    }

    init(from decoder: any Decoder) throws {
        let container = try decoder.container(keyedBy: CodingKeys.self)
        command = try container.decode(String.self, forKey: .command)
        scheduledAt = try container.decode(String.self, forKey: .scheduledAt)
        maxAttempts = try Self.decodeInteger(.maxAttempts, from: container)
        timeoutSeconds = try Self.decodeInteger(.timeoutSeconds, from: container)
        idempotencyKey = try container.decodeIfPresent(String.self, forKey: .idempotencyKey)
        queue = try container.decodeIfPresent(String.self, forKey: .queue)
        priority = try Self.decodeInteger(.priority, from: container)
        concurrencyKey = try container.decodeIfPresent(String.self, forKey: .concurrencyKey)
    }

    /// Decodes a request body, whatever its declared content type.
    static func decode(from body: ByteBuffer) throws(APIError) -> ScheduleRequest {
        let data = try nonEmptyData(body, expecting: "a JSON object with \"command\" and \"scheduled_at\"")
        do {
            return try JSONDecoder().decode(ScheduleRequest.self, from: data)
        } catch let error as DecodingError {
            throw Self.apiError(for: error, body: data)
        } catch {
            throw invalidJSON(body: data)
        }
    }

    /// The body's bytes; refuses a body that is empty or only whitespace.
    static func nonEmptyData(_ body: ByteBuffer, expecting expectation: String) throws(APIError) -> Data {
        let data = Data(body.readableBytesView)
        guard data.contains(where: { !Self.isJSONWhitespace($0) }) else {
            throw APIError(.invalidField, "the request body is empty; expected \(expectation)")
        }
        return data
    }

    /// Checks every field and returns the task to store. `headerKey` is the `Idempotency-Key`
    /// header of `POST /schedule`: it stands for the `idempotency_key` field, and when both are
    /// given they must be equal (an idempotency conflict otherwise), so a key is never silently
    /// ignored.
    func validated(headerKey: String? = nil) throws(APIError) -> NewTask {
        try Self.check(command: command)
        let scheduledAt = try Self.date(self.scheduledAt, field: "scheduled_at")
        try Self.check(maxAttempts, in: Self.maxAttemptsRange, .maxAttempts)
        try Self.check(timeoutSeconds, in: Self.timeoutSecondsRange, .timeoutSeconds)
        let key = try idempotencyKey(headerKey: headerKey)
        return NewTask(
            command: command,
            scheduledAt: scheduledAt,
            maxAttempts: maxAttempts ?? 1,
            timeoutSeconds: timeoutSeconds,
            idempotencyKey: key,
            placement: try Self.placement(queue: queue, priority: priority, concurrencyKey: concurrencyKey)
        )
    }

    /// The queue, priority and concurrency key a task or a schedule asks for, checked.
    static func placement(queue: String?, priority: Int?, concurrencyKey: String?) throws(APIError) -> QueuePlacement {
        if let queue, !QueueRules.isValidName(queue) { throw invalidField(.queue) }
        try check(priority, in: QueueRules.priorityRange, .priority)
        if let concurrencyKey, !QueueRules.isValidConcurrencyKey(concurrencyKey) { throw invalidField(.concurrencyKey) }
        return QueuePlacement(queue: queue ?? QueueRules.defaultQueue, priority: priority ?? 0, concurrencyKey: concurrencyKey)
    }

    /// The date-time `text` of the field `field`: RFC 3339 within the years 0001 to 9999 in UTC
    /// (every reply writes times in UTC).
    static func date(_ text: String, field: String) throws(APIError) -> Timestamp {
        let date: Timestamp
        do {
            date = try Timestamp(rfc3339: text)
        } catch {
            throw APIError(
                .invalidDate,
                "\"\(field)\" is not a valid date-time (\(error.reason)); expected RFC 3339 such as \(Self.dateExample) or 2023-12-25T17:04:00.000Z"
            )
        }
        guard Timestamp.rfc3339Range.contains(date) else {
            throw APIError(.invalidDate, "\"\(field)\" must fall within the years 0001 to 9999 in UTC")
        }
        return date
    }

    /// A command is not blank, fits in `maxCommandBytes` and holds no NUL.
    static func check(command: String) throws(APIError) {
        guard command.utf8.contains(where: { !Self.isBlank($0) }) else {
            throw APIError(.invalidField, "\"command\" must not be empty or only whitespace")
        }
        guard command.utf8.count <= Self.maxCommandBytes else {
            throw APIError(.invalidField, "\"command\" is longer than \(Self.maxCommandBytes) bytes")
        }
        guard !command.utf8.contains(0) else {
            throw APIError(.invalidField, "\"command\" must not contain NUL characters")
        }
    }

    private func idempotencyKey(headerKey: String?) throws(APIError) -> String? {
        if let headerKey, !Self.isValidIdempotencyKey(headerKey) {
            throw APIError(.invalidField, "the Idempotency-Key header must be \(CodingKeys.idempotencyKey.expectation)")
        }
        if let idempotencyKey, !Self.isValidIdempotencyKey(idempotencyKey) {
            throw Self.invalidField(.idempotencyKey)
        }
        if let headerKey, let idempotencyKey, headerKey != idempotencyKey {
            throw APIError(.idempotencyConflict, "the Idempotency-Key header and \"idempotency_key\" name different keys")
        }
        return headerKey ?? idempotencyKey
    }

    private static func isValidIdempotencyKey(_ key: String) -> Bool {
        idempotencyKeyLengthRange.contains(key.unicodeScalars.count) && !key.utf8.contains(0)
    }

    private static func check(_ value: Int?, in range: ClosedRange<Int>, _ key: CodingKeys) throws(APIError) {
        if let value, !range.contains(value) {
            throw invalidField(key)
        }
    }

    private static func invalidField(_ key: CodingKeys) -> APIError {
        APIError(.invalidField, "\"\(key.stringValue)\" must be \(key.expectation)")
    }

    /// An optional integer field. Decoded through `Double` so that a fraction such as `1.5` is
    /// reported against its field (the decoder reports it as invalid JSON otherwise).
    private static func decodeInteger(
        _ key: CodingKeys, from container: KeyedDecodingContainer<CodingKeys>
    ) throws -> Int? {
        guard let number = try container.decodeIfPresent(Double.self, forKey: key) else { return nil }
        guard let integer = Int(exactly: number) else {
            throw DecodingError.dataCorruptedError(forKey: key, in: container, debugDescription: "not an integer")
        }
        return integer
    }

    /// The API error for a failure to decode a request that sits `depth` levels below the root of
    /// the document (0 for `POST /schedule`, 1 for an element of a batch).
    static func apiError(for error: DecodingError, body: Data, depth: Int = 0) -> APIError {
        switch error {
        case .keyNotFound(let key, let context) where context.codingPath.count == depth:
            return APIError(.invalidField, "missing field \"\(key.stringValue)\"")
        case .valueNotFound(_, let context) where context.codingPath.count == depth + 1:
            return APIError(.invalidField, "\"\(context.codingPath[depth].stringValue)\" must not be null")
        case .keyNotFound(_, let context), .typeMismatch(_, let context), .valueNotFound(_, let context),
            .dataCorrupted(let context):
            guard let key = context.codingPath.dropFirst(depth).first else {
                return rootError(error, body: body, depth: depth)
            }
            return CodingKeys(stringValue: key.stringValue).map(invalidField)
                ?? APIError(.invalidField, "invalid field \"\(key.stringValue)\"")
        @unknown default:
            return invalidJSON(body: body)
        }
    }

    /// An error about the request as a whole: either not JSON at all, or JSON that is not an object.
    private static func rootError(_ error: DecodingError, body: Data, depth: Int) -> APIError {
        guard case .dataCorrupted = error, depth == 0 else {
            let subject = depth == 0 ? "the request body" : "each element"
            return APIError(.invalidField, "\(subject) must be a JSON object with \"command\" and \"scheduled_at\"")
        }
        return invalidJSON(body: body)
    }

    /// `JSONDecoder` does not say where the syntax error is; `JSONSerialization` does, so it is
    /// asked on this (rare) path only.
    static func invalidJSON(body: Data) -> APIError {
        let message = "the request body is not valid JSON"
        do {
            _ = try JSONSerialization.jsonObject(with: body, options: [.fragmentsAllowed])
            return APIError(.invalidJSON, message)
        } catch {
            let detail = (error as NSError).userInfo[NSDebugDescriptionErrorKey] as? String
            return APIError(.invalidJSON, detail.map { "\(message): \($0)" } ?? message)
        }
    }

    private static func isJSONWhitespace(_ byte: UInt8) -> Bool {
        byte == 0x20 || byte == 0x09 || byte == 0x0A || byte == 0x0D
    }

    /// Space, tab, line feed, vertical tab, form feed, carriage return: what leaves a command blank.
    private static func isBlank(_ byte: UInt8) -> Bool {
        byte == 0x20 || (0x09...0x0D).contains(byte)
    }
}
