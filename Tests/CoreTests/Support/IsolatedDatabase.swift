import Foundation
import Logging

@testable import Core

/// A database of its own for one test, created on the test command's PostgreSQL and dropped at the end.
struct IsolatedDatabase {
    let name: String
    let url: String
    let client: PostgresClient

    static func create() async throws -> IsolatedDatabase {
        let serverURL = try TestEnvironment.databaseURL()
        let name = "test_" + UUID().uuidString.lowercased().replacingOccurrences(of: "-", with: "").prefix(16)
        let admin = PostgresClient(configuration: try PostgresConfiguration(url: serverURL), maxConnections: 1, logger: testLogger)
        defer { Task { await admin.shutdown() } }
        _ = try await admin.query("CREATE DATABASE \(name)")
        let url = Self.replacingDatabase(in: serverURL, with: String(name))
        let client = PostgresClient(configuration: try PostgresConfiguration(url: url), maxConnections: 4, logger: testLogger)
        try await SchemaMigrator.migrate(client: client, directory: TestEnvironment.dataDirectory, logger: testLogger)
        return IsolatedDatabase(name: String(name), url: url, client: client)
    }

    /// Closes the pool and drops the database (connections of stopped services are gone by then).
    func drop() async {
        await client.shutdown()
        guard let serverURL = try? TestEnvironment.databaseURL(),
            let configuration = try? PostgresConfiguration(url: serverURL)
        else { return }
        let admin = PostgresClient(configuration: configuration, maxConnections: 1, logger: testLogger)
        _ = try? await admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        await admin.shutdown()
    }

    private static func replacingDatabase(in url: String, with database: String) -> String {
        var components = URLComponents(string: url)!
        components.path = "/" + database
        return components.string!
    }
}

let testLogger: Logger = {
    var logger = Logger(label: "tests")
    logger.logLevel = .warning
    return logger
}()
