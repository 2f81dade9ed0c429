import Foundation
import Logging
@testable import Core

/// The PostgreSQL that the test command started, from `TASKMASTER_TEST_DATABASE_URL`.
enum TestDatabase {
    struct NotConfigured: Error, CustomStringConvertible {
        var description: String {
            "TASKMASTER_TEST_DATABASE_URL is not set: database tests need a real PostgreSQL "
                + "(start one with `scripts/postgres.sh start DIR` and export the URL it prints)"
        }
    }

    static let logger = Logger(label: "taskmaster-tests")

    static func configuration() throws -> PostgresConfiguration {
        guard let url = ProcessInfo.processInfo.environment["TASKMASTER_TEST_DATABASE_URL"], !url.isEmpty else {
            throw NotConfigured()
        }
        return try PostgresConfiguration(url: url)
    }

    /// Runs `body` with a new client and shuts the client down afterwards, also when `body` throws.
    static func withClient<T>(
        _ configuration: PostgresConfiguration? = nil,
        maxConnections: Int = 4,
        _ body: (PostgresClient) async throws -> T
    ) async throws -> T {
        let client = PostgresClient(configuration: try configuration ?? self.configuration(), maxConnections: maxConnections, logger: logger)
        do {
            let value = try await body(client)
            await client.shutdown()
            return value
        } catch {
            await client.shutdown()
            throw error
        }
    }

    /// A name no other test uses, safe to put in SQL as an identifier.
    static func uniqueName(_ prefix: String) -> String {
        "\(prefix)_\(UUID().uuidString.prefix(8).lowercased())"
    }
}
