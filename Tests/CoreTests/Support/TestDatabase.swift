import Core
import Foundation
import Logging

/// The real PostgreSQL that database tests run against, named by `TASKMASTER_TEST_DATABASE_URL`.
enum TestDatabase {
    static let urlVariable = "TASKMASTER_TEST_DATABASE_URL"

    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            "\(TestDatabase.urlVariable) is not set: these tests need a real PostgreSQL (a libpq URL such as postgresql://user@127.0.0.1:5432/taskmaster); the test command sets it"
        }
    }

    static let logger = Logger(label: "taskmaster.tests")

    /// `data/` at the repository root, where the schema migrations live.
    static let migrationsDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // CoreTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()
        .appendingPathComponent("data")
        .path

    /// Runs `body` with a client for the test database, schema applied; shuts the client down after.
    static func withClient<Result>(_ body: (PostgresClient) async throws -> Result) async throws -> Result {
        guard let url = ProcessInfo.processInfo.environment[urlVariable], !url.isEmpty else {
            throw NotConfigured()
        }
        let client = PostgresClient(configuration: try PostgresConfiguration(url: url), logger: logger)
        do {
            try await SchemaMigrator.migrate(client: client, directory: migrationsDirectory, logger: logger)
            let result = try await body(client)
            await client.shutdown()
            return result
        } catch {
            await client.shutdown()
            throw error
        }
    }
}
