public import Hummingbird

/// An error the HTTP API reports to its client as `{"error": {"code": "...", "message": "..."}}`.
public struct APIError: Error, Sendable, Hashable, CustomStringConvertible {
    /// A stable, machine-readable error code and the HTTP status it is sent with.
    public struct Code: Sendable, Hashable, CustomStringConvertible {
        public var rawValue: String
        public var status: HTTPResponse.Status

        public init(_ rawValue: String, status: HTTPResponse.Status) {
            self.rawValue = rawValue
            self.status = status
        }

        public var description: String { rawValue }

        public static let invalidJSON = Code("invalid_json", status: .badRequest)
        public static let invalidField = Code("invalid_field", status: .badRequest)
        public static let invalidDate = Code("invalid_date", status: .badRequest)
        public static let invalidTaskID = Code("invalid_task_id", status: .badRequest)
        public static let invalidParameter = Code("invalid_parameter", status: .badRequest)
        public static let invalidRequest = Code("invalid_request", status: .badRequest)
        public static let requestTimeout = Code("request_timeout", status: .requestTimeout)
        public static let unauthorized = Code("unauthorized", status: .unauthorized)
        public static let forbidden = Code("forbidden", status: .forbidden)
        public static let notFound = Code("not_found", status: .notFound)
        public static let methodNotAllowed = Code("method_not_allowed", status: .methodNotAllowed)
        public static let idempotencyConflict = Code("idempotency_conflict", status: .conflict)
        public static let alreadyFinished = Code("already_finished", status: .conflict)
        public static let payloadTooLarge = Code("payload_too_large", status: .contentTooLarge)
        public static let internalError = Code("internal", status: .internalServerError)
        public static let databaseUnavailable = Code("database_unavailable", status: .serviceUnavailable)
        public static let busy = Code("busy", status: .serviceUnavailable)
    }

    public var code: Code
    /// Meant for the client: says what was wrong and how to fix it; never internal details.
    public var message: String
    /// For a batch request: the position of the element the error is about.
    public var index: Int?
    /// Extra response headers, such as `Allow` for 405.
    public var headers: HTTPFields

    public init(_ code: Code, _ message: String, index: Int? = nil, headers: HTTPFields = [:]) {
        self.code = code
        self.message = message
        self.index = index
        self.headers = headers
    }

    public var status: HTTPResponse.Status { code.status }

    public var description: String { "\(code.rawValue): \(message)" }

    /// 405 for a known path, naming the methods it accepts in `Allow`.
    static func methodNotAllowed(_ method: HTTPRequest.Method, path: String, allowed: [HTTPRequest.Method]) -> APIError {
        let allowList = allowed.map(\.rawValue).joined(separator: ", ")
        return APIError(
            .methodNotAllowed,
            "\(path) does not accept \(method.rawValue); use \(allowList)",
            headers: [.allow: allowList]
        )
    }
}
