package import ArgumentParser
import Foundation
package import Postgres

/// Options of the services that use PostgreSQL (configured through the environment).
package struct DatabaseOptions: ParsableArguments, Sendable {
    @Option(name: .customLong("data_dir"), help: "Folder of numbered SQL migrations applied at start.")
    package var dataDirectory: String = "data"

    @Option(name: .customLong("db_connections"), help: "Connections in the PostgreSQL pool.")
    package var connections: Int = 4

    package init() {}

    package func validate() throws {
        guard (1...64).contains(connections) else {
            throw ValidationError("--db_connections must be between 1 and 64")
        }
    }

    /// Reads DATABASE_URL or POSTGRES_HOST/PORT/USER/PASSWORD/DB.
    package func postgresConfiguration() throws -> PostgresConfiguration {
        try PostgresConfiguration.fromEnvironment(ProcessInfo.processInfo.environment)
    }
}
