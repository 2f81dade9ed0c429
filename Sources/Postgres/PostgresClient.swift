import Core
package import Logging
import NIOPosix
import Synchronization

/// A small pool of PostgreSQL connections. Every blocking libpq call runs on a dedicated
/// `NIOThreadPool` with one thread per connection, never on the Swift concurrency pool.
///
/// Connections open lazily, up to `maxConnections`; further callers wait in arrival order.
/// An idle connection that the server closed (for example on a restart) is reconnected when it is
/// next checked out; while the server is down, calls fail fast with `.connectionFailed`.
/// Run it as a Service of the process's group (`ClientService`), or call `close()` before it goes away.
package final class PostgresClient: ClientService, Sendable {
    private let configuration: PostgresConfiguration
    private let logger: Logger
    private let pool: ConnectionPool
    private let threads: NIOThreadPool
    private let isShutDown = Mutex(false)

    /// Creates the client; no connection is opened until the first call.
    package init(configuration: PostgresConfiguration, maxConnections: Int = 4, logger: Logger) {
        self.configuration = configuration
        self.logger = logger
        self.pool = ConnectionPool(capacity: maxConnections)
        self.threads = NIOThreadPool(numberOfThreads: maxConnections)
        threads.start()
    }

    deinit {
        if !isShutDown.withLock({ $0 }) {
            threads.shutdownGracefully { _ in }
        }
    }

    /// How many connections are in use and how many callers wait for one, right now.
    package var poolUsage: PostgresPoolUsage { pool.usage }

    /// Runs one statement on a pooled connection; see `PostgresConnection.query`.
    @discardableResult
    package func query(
        _ sql: String, _ parameters: [(any PostgresBindable)?] = []
    ) async throws -> PostgresResult {
        try await withConnection { connection in try connection.query(sql, parameters) }
    }

    /// Lends a connection to `body`, which runs on the client's threads and may block.
    /// A transaction that `body` leaves open is rolled back before the connection is reused.
    package func withConnection<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        let lease = try await pool.checkout()
        return try await withCheckedThrowingContinuation { continuation in
            threads.submit { state in
                guard case .active = state else {
                    self.pool.release(lease.connectionToReturn)
                    continuation.resume(throwing: PostgresError(code: .poolClosed, message: "the database client was shut down"))
                    return
                }
                continuation.resume(with: Result { try self.run(body, with: lease) })
            }
        }
    }

    /// Runs `body` between BEGIN and COMMIT; rolls back and rethrows when `body` throws.
    /// When a statement failed inside `body` but `body` went on, the transaction is rolled back
    /// and `.queryFailed` is thrown rather than reporting a commit that did not happen.
    package func withTransaction<T: Sendable>(_ body: @escaping @Sendable (PostgresConnection) throws -> T) async throws -> T {
        try await withConnection { connection in
            try connection.execute("BEGIN")
            let value: T
            do {
                value = try body(connection)
            } catch {
                if connection.isOpen { try? connection.execute("ROLLBACK") }
                throw error
            }
            if connection.isInFailedTransaction {
                try connection.execute("ROLLBACK")
                throw PostgresError(code: .queryFailed, sqlState: "25P02", message: "a statement in the transaction failed; it was rolled back")
            }
            try connection.execute("COMMIT")
            return value
        }
    }

    /// Closes the idle connections and stops the threads once lent connections come back.
    /// Idempotent; calls made afterwards throw `.poolClosed`.
    package func close() async {
        guard let idle = pool.close() else { return }
        logger.debug("closing database client", metadata: [LogKey.databaseIdleConnections: "\(idle.count)"])
        isShutDown.withLock { $0 = true }
        try? await threads.shutdownGracefully()
    }

    /// On a client thread: gets a working connection for the lease, runs `body`, and gives the
    /// connection back (or frees its slot when it is broken).
    private func run<T>(_ body: (PostgresConnection) throws -> T, with lease: ConnectionPool.Lease) throws -> T {
        let connection: PostgresConnection
        do {
            connection = try open(lease)
        } catch {
            pool.release(nil)
            throw error
        }
        let result = Result { try body(connection) }
        pool.release(isReusable(connection) ? PooledConnection(connection: connection) : nil)
        return try result.get()
    }

    private func open(_ lease: ConnectionPool.Lease) throws -> PostgresConnection {
        switch lease {
        case .openNew:
            logger.debug("opening database connection")
            return try PostgresConnection(configuration: configuration, logger: logger)
        case .idle(let pooled):
            guard !pooled.connection.checkWhileIdle() else { return pooled.connection }
            logger.debug("reconnecting database connection")
            try pooled.connection.reset()
            return pooled.connection
        }
    }

    private func isReusable(_ connection: PostgresConnection) -> Bool {
        guard connection.isOpen else { return false }
        if connection.isOutsideTransaction { return true }
        do {
            try connection.execute("ROLLBACK")
            return connection.isOutsideTransaction
        } catch {
            return false
        }
    }
}

extension ConnectionPool.Lease {
    /// What to give back when the lease was never used.
    fileprivate var connectionToReturn: PooledConnection? {
        switch self {
        case .idle(let connection): connection
        case .openNew: nil
        }
    }
}
