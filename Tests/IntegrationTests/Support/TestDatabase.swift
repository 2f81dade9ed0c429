import Foundation
import Logging

@testable import Core
@testable import Postgres

/// The PostgreSQL that the test command started, from `TASKMASTER_TEST_DATABASE_URL`.
enum TestDatabase {
    static let logger: Logger = {
        var logger = Logger(label: "taskmaster-tests")
        logger.logLevel = .warning
        return logger
    }()

    static func configuration() throws -> PostgresConfiguration {
        try configuration(url: TestEnvironment.databaseURL())
    }

    /// The configuration of `url` for a test's own client. Its connect timeout is generous: the
    /// tests run dozens of suites and processes at once, and on two cores a connection start
    /// then takes up to about 2 s (5 s now and then) where it takes 20 ms alone. The services
    /// keep their own default.
    static func configuration(url: String) throws -> PostgresConfiguration {
        var configuration = try PostgresConfiguration(url: url)
        configuration.connectTimeoutSeconds = 30
        return configuration
    }

    /// Runs `body` with a new client and shuts the client down afterwards, also when `body` throws.
    /// With `migrated`, the schema in `data/` is applied first.
    static func withClient<T>(
        _ configuration: PostgresConfiguration? = nil,
        maxConnections: Int = 4,
        migrated: Bool = false,
        _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(
            configuration: try configuration ?? self.configuration(), maxConnections: maxConnections, logger: logger)
        do {
            if migrated {
                try await SchemaMigrator.migrate(client: client, directory: TestEnvironment.dataDirectory, logger: logger)
            }
            let value = try await body(client)
            await client.close()
            return value
        } catch {
            await client.close()
            throw error
        }
    }

    /// A name no other test uses, safe to put in SQL as an identifier.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }
}
