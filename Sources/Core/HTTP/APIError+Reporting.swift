package import Logging

/// An error that knows how the HTTP API reports it, declared where the error's module and the
/// API meet (a database error, a store error).
package protocol APIErrorConvertible: Error {
    /// What the client is told; may log what the client is not.
    func apiError(logger: Logger) -> APIError
}

extension APIError {
    /// The one place that decides how an error raised while answering a request reaches the
    /// client. Unexpected errors are logged with their detail and sent as a generic 500; nothing
    /// internal (SQL, stack, database message) is ever sent.
    package static func reporting(_ error: any Error, logger: Logger) -> APIError {
        switch error {
        case let error as APIError:
            return error
        case let error as any APIErrorConvertible:
            return error.apiError(logger: logger)
        default:
            return internalError(error, logger: logger)
        }
    }

    /// Logs `error` in full and answers a generic 500.
    package static func internalError(_ error: any Error, logger: Logger) -> APIError {
        logger.error("Request failed", metadata: [LogKey.error: "\(String(reflecting: error))"])
        return APIError(.internalError, "internal error; the server log has the details")
    }
}
