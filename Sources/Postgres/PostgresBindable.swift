package import struct Foundation.UUID
import Core

/// A value that can be sent as a query parameter, in PostgreSQL's text format.
/// Pass `nil` in the parameter list for SQL `NULL`.
package protocol PostgresBindable: Sendable {
    var postgresText: String { get }
}

extension String: PostgresBindable {
    package var postgresText: String { self }
}

extension Int: PostgresBindable {
    package var postgresText: String { String(self) }
}

extension Int32: PostgresBindable {
    package var postgresText: String { String(self) }
}

extension Int64: PostgresBindable {
    package var postgresText: String { String(self) }
}

extension UInt32: PostgresBindable {
    package var postgresText: String { String(self) }
}

extension Bool: PostgresBindable {
    package var postgresText: String { self ? "t" : "f" }
}

extension Double: PostgresBindable {
    /// The shortest text that reads back as the same value; `inf`, `-inf` and `nan` are accepted by the server.
    package var postgresText: String { String(self) }
}

extension UUID: PostgresBindable {
    package var postgresText: String { text }
}
