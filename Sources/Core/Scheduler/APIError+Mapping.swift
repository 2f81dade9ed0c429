import Logging

extension APIError {
    /// The one place that decides how an error raised while answering a request reaches the
    /// client. Unexpected errors are logged with their detail and sent as a generic 500; nothing
    /// internal (SQL, stack, database message) is ever sent.
    static func reporting(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as TaskStoreError where error.code == .idempotencyConflict:
            return APIError(.idempotencyConflict, error.message, index: error.index)
        case let error as PostgresError where error.isUnavailable:
            logger.warning("Database unavailable", metadata: [LogKey.error: "\(error)"])
            return APIError(.databaseUnavailable, "the database is unavailable; try again later")
        default:
            logger.error("Request failed", metadata: [LogKey.error: "\(String(reflecting: error))"])
            return APIError(.internalError, "internal error; the server log has the details")
        }
    }
}
