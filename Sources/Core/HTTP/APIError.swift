package import HTTPTypes

/// An error the HTTP API reports to its client as `{"error": {"code": "...", "message": "..."}}`.
package struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error code and the HTTP status it is sent with.
    package struct Code: Sendable, Hashable, CustomStringConvertible {
        package var rawValue: String
        package var status: HTTPResponse.Status

        package init(_ rawValue: String, status: HTTPResponse.Status) {
            self.rawValue = rawValue
            self.status = status
        }

        package var description: String { rawValue }

        package static let invalidJSON = Code("invalid_json", status: .badRequest)
        package static let invalidField = Code("invalid_field", status: .badRequest)
        package static let invalidDate = Code("invalid_date", status: .badRequest)
        package static let invalidTaskID = Code("invalid_task_id", status: .badRequest)
        package static let invalidSchedule = Code("invalid_schedule", status: .badRequest)
        package static let invalidScheduleID = Code("invalid_schedule_id", status: .badRequest)
        package static let invalidParameter = Code("invalid_parameter", status: .badRequest)
        package static let invalidRequest = Code("invalid_request", status: .badRequest)
        package static let requestTimeout = Code("request_timeout", status: .requestTimeout)
        package static let unauthorized = Code("unauthorized", status: .unauthorized)
        package static let forbidden = Code("forbidden", status: .forbidden)
        package static let notFound = Code("not_found", status: .notFound)
        package static let methodNotAllowed = Code("method_not_allowed", status: .methodNotAllowed)
        package static let idempotencyConflict = Code("idempotency_conflict", status: .conflict)
        package static let alreadyFinished = Code("already_finished", status: .conflict)
        package static let notRetryable = Code("not_retryable", status: .conflict)
        package static let scheduleExists = Code("schedule_exists", status: .conflict)
        package static let payloadTooLarge = Code("payload_too_large", status: .contentTooLarge)
        package static let internalError = Code("internal", status: .internalServerError)
        package static let databaseUnavailable = Code("database_unavailable", status: .serviceUnavailable)
        package static let busy = Code("busy", status: .serviceUnavailable)
    }

    package var code: Code
    /// Meant for the client: says what was wrong and how to fix it; never internal details.
    package var message: String
    /// For a batch request: the position of the element the error is about.
    package var index: Int?
    /// Extra response headers, such as `Allow` for 405.
    package var headers: HTTPFields

    package init(_ code: Code, _ message: String, index: Int? = nil, headers: HTTPFields = [:]) {
        self.code = code
        self.message = message
        self.index = index
        self.headers = headers
    }

    package var status: HTTPResponse.Status { code.status }

    package var description: String { "\(code.rawValue): \(message)" }

    /// 405 for a known path, naming the methods it accepts in `Allow`.
    package static func methodNotAllowed(_ method: HTTPRequest.Method, path: String, allowed: [HTTPRequest.Method]) -> APIError {
        let allowList = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            .methodNotAllowed,
            "\(path) does not accept \(method.rawValue); use \(allowList)",
            headers: [.allow: allowList]
        )
    }
}
