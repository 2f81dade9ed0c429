public import struct Foundation.UUID

/// A value that can be sent as a query parameter, in PostgreSQL's text format.
/// Pass `nil` in the parameter list for SQL `NULL`.
public protocol PostgresBindable: Sendable {
    var postgresText: String { get }
}

extension String: PostgresBindable {
    public var postgresText: String { self }
}

extension Int: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension Int32: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension Int64: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension UInt32: PostgresBindable {
    public var postgresText: String { String(self) }
}

extension Bool: PostgresBindable {
    public var postgresText: String { self ? "t" : "f" }
}

extension Double: PostgresBindable {
    /// The shortest text that reads back as the same value; `inf`, `-inf` and `nan` are accepted by the server.
    public var postgresText: String { String(self) }
}

extension UUID: PostgresBindable {
    public var postgresText: String { uuidString.lowercased() }
}
