package import Core
package import Logging
package import Postgres

extension TaskStoreError: APIErrorConvertible {
    package func apiError(logger: Logger) -> APIError {
        switch code {
        case .idempotencyConflict: return APIError(.idempotencyConflict, message, index: index)
        case .scheduleNameTaken: return APIError(.scheduleExists, message)
        default: return .internalError(self, logger: logger)
        }
    }
}

extension PostgresError: APIErrorConvertible {
    package func apiError(logger: Logger) -> APIError {
        guard isUnavailable else { return .internalError(self, logger: logger) }
        logger.warning("Database unavailable", metadata: [LogKey.error: "\(self)"])
        return APIError(.databaseUnavailable, "the database is unavailable; try again later")
    }
}
