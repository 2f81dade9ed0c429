package import Core
package import Logging
package import Postgres

extension TaskStoreError: APIErrorConvertible {
    package func apiError(logger: Logger) -> APIError {
        guard code == .idempotencyConflict else { return .internalError(self, logger: logger) }
        return APIError(.idempotencyConflict, message, index: index)
    }
}

extension PostgresError: APIErrorConvertible {
    package func apiError(logger: Logger) -> APIError {
        guard isUnavailable else { return .internalError(self, logger: logger) }
        logger.warning("Database unavailable", metadata: [LogKey.error: "\(self)"])
        return APIError(.databaseUnavailable, "the database is unavailable; try again later")
    }
}
