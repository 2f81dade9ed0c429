import Foundation
import Testing

@testable import Core

/// A database of its own for one test, created on the test command's PostgreSQL with the schema
/// applied, and dropped at the end.
struct IsolatedDatabase {
    let name: String
    let url: String

    static func create() async throws -> IsolatedDatabase {
        let name = TestDatabase.uniqueName("test")
        try await TestDatabase.withClient(maxConnections: 1) { admin in
            _ = try await admin.query("CREATE DATABASE \(name)")
        }
        var components = try #require(URLComponents(string: try TestEnvironment.databaseURL()))
        components.path = "/" + name
        let database = IsolatedDatabase(name: name, url: try #require(components.string))
        try await TestDatabase.withClient(try PostgresConfiguration(url: database.url), maxConnections: 1, migrated: true) { _ in }
        return database
    }

    /// Drops the database, closing what is still connected to it.
    func drop() async {
        _ = try? await TestDatabase.withClient(maxConnections: 1) { admin in
            try await admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}
