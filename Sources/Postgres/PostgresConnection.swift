import Core
internal import CPostgreSQL
package import Logging

/// One libpq connection. It owns its `PGconn` and closes it on deinit.
///
/// Not Sendable: every call blocks, and one thread at a time may use it. Within a
/// `PostgresClient` it is only ever touched on the client's own threads.
package final class PostgresConnection {
    /// The `PGconn *`, valid for the whole life of this object (PQreset reuses it).
    private let handle: OpaquePointer
    private let logger: Logger
    /// Names of the statements prepared on this connection, by SQL text. A server session
    /// keeps them until it ends, so `reset` forgets them.
    private var preparedStatements: [String: String] = [:]
    /// Statements beyond this many distinct texts run unprepared (a bound on server memory).
    private static let preparedStatementLimit = 256

    /// Opens a connection, waiting at most `configuration.connectTimeoutSeconds`.
    /// Throws `PostgresError(.connectionFailed)`.
    package init(configuration: PostgresConfiguration, logger: Logger) throws {
        let parameters = configuration.libpqParameters(defaultApplicationName: logger.label)
        let opened = withCStrings(parameters.map { $0.keyword } + [nil]) { keywords in
            withCStrings(parameters.map { $0.value } + [nil]) { values in
                PQconnectdbParams(keywords, values, 0)
            }
        }
        guard let opened else {
            throw PostgresError(code: .connectionFailed, message: "libpq could not allocate a connection")
        }
        guard PQstatus(opened) == CONNECTION_OK else {
            let message = Self.errorMessage(of: opened)
            PQfinish(opened)
            throw PostgresError(code: .connectionFailed, message: message)
        }
        self.handle = opened
        self.logger = logger
        PQsetNoticeProcessor(handle, { context, message in
            guard let context, let message else { return }
            let connection = Unmanaged<PostgresConnection>.fromOpaque(context).takeUnretainedValue()
            connection.logger.debug("postgres notice", metadata: [LogKey.databaseNotice: "\(trimmed(String(cString: message)))"])
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        PQfinish(handle)
    }

    /// Runs one statement with `$1`, `$2`, … parameters sent separately from the SQL, in text format.
    /// `nil` is SQL `NULL`. The statement is prepared on first use and reused by name after that,
    /// so the server parses each distinct text once per connection, and after a few executions
    /// may keep one generic plan rather than plan each execution anew. Throws `.queryFailed` (with `sqlState`) when the server rejects it and
    /// `.connectionLost` when the connection broke (the statement may have taken effect).
    @discardableResult
    package func query(
        _ sql: String, _ parameters: [(any PostgresBindable)?] = []
    ) throws -> PostgresResult {
        guard parameters.count <= Int(UInt16.max) else {
            throw PostgresError(code: .queryFailed, message: "a statement takes at most 65535 parameters, got \(parameters.count)")
        }
        let name = try preparedStatementName(for: sql)
        let result = withCStrings(parameters.map { $0?.postgresText }) { values in
            if let name {
                PQexecPrepared(handle, name, Int32(values.count), values, nil, nil, 0)
            } else {
                PQexecParams(handle, sql, Int32(values.count), nil, values, nil, nil, 0)
            }
        }
        return try consume(result)
    }

    /// The name `sql` is prepared under, preparing it now on first use; nil once the limit of
    /// prepared statements is reached.
    private func preparedStatementName(for sql: String) throws -> String? {
        if let name = preparedStatements[sql] { return name }
        guard preparedStatements.count < Self.preparedStatementLimit else { return nil }
        let name = "taskmaster_\(preparedStatements.count + 1)"
        _ = try consume(PQprepare(handle, name, sql, 0, nil))
        preparedStatements[sql] = name
        return name
    }

    /// Runs SQL without parameters; it may hold several statements separated by semicolons
    /// (schema migrations). Returns nothing; errors as for `query`.
    package func execute(_ sql: String) throws {
        _ = try consume(PQexec(handle, sql))
    }

    /// Waits up to `timeout` for `NOTIFY` messages on the channels this connection `LISTEN`s to
    /// and returns those that arrived, oldest first (none when the time ran out).
    /// Throws `.connectionLost` when the connection broke.
    package func notifications(waitingUpTo timeout: Duration) throws -> [PostgresNotification] {
        var received = takeNotifications()
        guard received.isEmpty else { return received }
        let (seconds, attoseconds) = timeout.components
        let milliseconds = seconds >= Int64(Int32.max / 1000)
            ? Int32.max
            : Int32(max(0, seconds * 1000 + attoseconds / 1_000_000_000_000_000))
        if taskmaster_pq_wait_readable(handle, milliseconds) != 0 {
            guard PQconsumeInput(handle) == 1 else {
                throw PostgresError(code: .connectionLost, message: Self.errorMessage(of: handle))
            }
            received = takeNotifications()
        }
        return received
    }

    private func takeNotifications() -> [PostgresNotification] {
        var received: [PostgresNotification] = []
        while let notification = PQnotifies(handle) {
            received.append(PostgresNotification(
                channel: String(cString: notification.pointee.relname),
                payload: String(cString: notification.pointee.extra)
            ))
            PQfreemem(notification)
        }
        return received
    }

    /// The connection is open as far as libpq knows.
    var isOpen: Bool { PQstatus(handle) == CONNECTION_OK }

    /// No transaction is open (or failed) on the connection.
    var isOutsideTransaction: Bool { PQtransactionStatus(handle) == PQTRANS_IDLE }

    /// A statement in the open transaction failed; only ROLLBACK is accepted now.
    var isInFailedTransaction: Bool { PQtransactionStatus(handle) == PQTRANS_INERROR }

    /// Reads whatever the server sent while the connection sat idle (a shutdown notice, then the
    /// end of the stream), so that a server restart is noticed before the next statement is sent.
    /// Returns whether the connection is still open.
    func checkWhileIdle() -> Bool {
        for _ in 0..<4 where isOpen {
            guard taskmaster_pq_wait_readable(handle, 0) != 0 else { return true }
            guard PQconsumeInput(handle) == 1 else { return false }
        }
        return isOpen
    }

    /// Reconnects with the same parameters. Throws `.connectionFailed` when the server is still unreachable.
    func reset() throws {
        preparedStatements.removeAll()
        PQreset(handle)
        guard isOpen else {
            throw PostgresError(code: .connectionFailed, message: Self.errorMessage(of: handle))
        }
    }

    /// Copies a result into Swift values and frees it, or turns it into an error.
    private func consume(_ result: OpaquePointer?) throws -> PostgresResult {
        guard let result else {
            throw PostgresError(code: isOpen ? .queryFailed : .connectionLost, message: Self.errorMessage(of: handle))
        }
        defer { PQclear(result) }
        switch PQresultStatus(result) {
        case PGRES_COMMAND_OK, PGRES_TUPLES_OK, PGRES_EMPTY_QUERY:
            return Self.copy(result)
        default:
            let sqlState = PQresultErrorField(result, taskmaster_pq_diag_sqlstate()).map { String(cString: $0) }
            let message = trimmed(String(cString: PQresultErrorMessage(result)))
            throw PostgresError(code: isOpen ? .queryFailed : .connectionLost, sqlState: sqlState, message: message)
        }
    }

    private static func copy(_ result: OpaquePointer) -> PostgresResult {
        let columnCount = PQnfields(result)
        let rowCount = PQntuples(result)
        let columnNames = (0..<columnCount).map { String(cString: PQfname(result, $0)) }
        var cells: [String?] = []
        cells.reserveCapacity(Int(columnCount) * Int(rowCount))
        for row in 0..<rowCount {
            for column in 0..<columnCount {
                if PQgetisnull(result, row, column) == 1 {
                    cells.append(nil)
                } else {
                    let bytes = UnsafeRawBufferPointer(start: PQgetvalue(result, row, column), count: Int(PQgetlength(result, row, column)))
                    cells.append(String(decoding: bytes, as: UTF8.self))
                }
            }
        }
        return PostgresResult(
            columnNames: columnNames,
            affectedRows: Int(String(cString: PQcmdTuples(result))) ?? 0,
            cells: cells,
            rowCount: Int(rowCount)
        )
    }

    private static func errorMessage(of connection: OpaquePointer) -> String {
        trimmed(String(cString: PQerrorMessage(connection)))
    }
}

/// libpq ends its messages with a newline.
private func trimmed(_ text: String) -> String {
    var text = text
    while text.last?.isWhitespace == true { text.removeLast() }
    return text
}

/// Lays the strings out in one buffer and passes C pointers to them; nil stays a null pointer.
/// The pointers are valid only during `body`.
private func withCStrings<Result>(_ strings: [String?], _ body: ([UnsafePointer<CChar>?]) -> Result) -> Result {
    var buffer: [CChar] = []
    let offsets = strings.map { string in
        string.map { string in
            defer { buffer.append(contentsOf: string.utf8CString) }
            return buffer.count
        }
    }
    return buffer.withUnsafeBufferPointer { storage in
        body(offsets.map { offset in offset.map { storage.baseAddress! + $0 } })
    }
}
