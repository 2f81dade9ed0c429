package import Logging
import Core
package import Postgres

/// Opens the pool and applies the schema, waiting for a database that is still starting.
package enum DatabaseStartup {
    /// What every session of the services sets. Their statements find rows through indexes, and
    /// are prepared: a plan cached while `tasks` was small (a sequential scan, or a hash join over
    /// it) would go on scanning it once a burst made it large, until the next ANALYZE. Sequential
    /// scans stay possible where no index serves, at a cost the planner avoids otherwise. That
    /// cost would make the planner compile such a statement to machine code (JIT) every time,
    /// seconds of CPU for statements that take a millisecond: the services' statements are
    /// short, so JIT is off.
    package static let sessionSettings = ["enable_seqscan": "off", "jit": "off"]

    /// Retries while the database is unavailable, up to `attempts` times a second apart; any
    /// other error (a broken migration, bad credentials, a certificate that TLS refused) fails at
    /// once. A connection that fails is logged, and thrown at the end, with libpq's reason.
    package static func connect(
        configuration: PostgresConfiguration, connections: Int, dataDirectory: String, logger: Logger,
        attempts: Int = 30
    ) async throws -> PostgresClient {
        var configuration = configuration
        configuration.sessionSettings.merge(sessionSettings) { _, ours in ours }
        let client = PostgresClient(configuration: configuration, maxConnections: connections, logger: logger)
        var attempt = 1
        while true {
            do {
                try await SchemaMigrator.migrate(client: client, directory: dataDirectory, logger: logger)
                return client
            } catch let error as PostgresError where error.isUnavailable && !error.isTLSRefusal && attempt < attempts {
                logger.warning(
                    "database unavailable, retrying",
                    metadata: [LogKey.error: "\(error)", LogKey.databaseReason: "\(error.message)", LogKey.attempt: "\(attempt)"])
                attempt += 1
                try await Task.sleep(for: .seconds(1))
            } catch let error as PostgresError where error.code == .connectionFailed {
                await client.close()
                let over = error.isTLSRefusal ? " over TLS" : ""
                let reason = error.message.split(whereSeparator: \.isNewline).joined(separator: " ")
                throw ConfigurationError("cannot connect to the database\(over): \(reason)")
            } catch {
                await client.close()
                throw error
            }
        }
    }
}
