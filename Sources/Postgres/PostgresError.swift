/// An error from the database layer.
///
/// `description` is redacted: it names the code and the SQLSTATE, never SQL text or what the
/// server said, so it is safe to show to clients. `message` has the full detail, for logs.
package struct PostgresError: Error, Sendable, CustomStringConvertible {
    /// What went wrong, as an extensible set of codes.
    package struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Base: String, Hashable, Sendable {
            case invalidConfiguration, connectionFailed, connectionLost, queryFailed, decodingFailed, poolClosed
        }

        private let base: Base

        private init(_ base: Base) { self.base = base }

        /// The configuration (URL, environment variable, migration directory) is unusable.
        package static let invalidConfiguration = Code(.invalidConfiguration)
        /// A connection could not be opened.
        package static let connectionFailed = Code(.connectionFailed)
        /// The connection broke while a statement ran; the statement may or may not have taken effect.
        package static let connectionLost = Code(.connectionLost)
        /// The server rejected the statement; see `sqlState`.
        package static let queryFailed = Code(.queryFailed)
        /// A value in a result did not have the requested type.
        package static let decodingFailed = Code(.decodingFailed)
        /// The client was shut down.
        package static let poolClosed = Code(.poolClosed)

        package var description: String { base.rawValue }
    }

    package var code: Code
    /// The SQLSTATE the server reported, for example `23505`.
    package var sqlState: String?
    /// Full detail (server message, SQLSTATE, context), for logs only.
    package var message: String

    package init(code: Code, sqlState: String? = nil, message: String) {
        self.code = code
        self.sqlState = sqlState
        self.message = message
    }

    /// Code and SQLSTATE only. Configuration errors also carry their message: it is our own
    /// text, names what to fix and never contains a password.
    package var description: String {
        var text = "PostgresError(code: \(code)"
        if let sqlState { text += ", sqlState: \(sqlState)" }
        if code == .invalidConfiguration { text += ", message: \(message)" }
        return text + ")"
    }

    /// The statement violated a unique constraint.
    package var isUniqueViolation: Bool { sqlState == "23505" }

    /// A connection was refused at its TLS link: the server's certificate is not signed by
    /// `sslrootcert` or does not name the host, a certificate file is missing or unusable, or the
    /// server offers no TLS while `sslmode` asks for it. Waiting does not mend that. libpq says so
    /// in words only (in English unless its messages were translated).
    package var isTLSRefusal: Bool {
        code == .connectionFailed
            && ["SSL error", "certificate", "private key file", "does not support SSL"].contains { message.contains($0) }
    }

    /// The database cannot be reached or is shutting down, or this process's client is; retrying
    /// later (or on another replica) may succeed.
    package var isUnavailable: Bool {
        if code == .connectionFailed || code == .connectionLost || code == .poolClosed { return true }
        guard let sqlState else { return false }
        return sqlState.hasPrefix("08") || sqlState.hasPrefix("57P0")
    }
}
