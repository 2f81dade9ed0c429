import Foundation
import Testing
@testable import Core
@testable import Postgres

@Suite struct SchemaMigratorTests {
    /// The repository's `data/` directory.
    static let dataDirectory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("data").path

    @Test func versionsComeFromFileNames() {
        #expect(SchemaMigration.version(ofFileNamed: "001_create_tasks.sql") == 1)
        #expect(SchemaMigration.version(ofFileNamed: "012_more.sql") == 12)
        #expect(SchemaMigration.version(ofFileNamed: "create_tasks.sql") == nil)
        #expect(SchemaMigration.version(ofFileNamed: "001_create_tasks.sql.bak") == nil)
        #expect(SchemaMigration.version(ofFileNamed: "_x.sql") == nil)
        #expect(SchemaMigration.version(ofFileNamed: "1a_x.sql") == nil)
    }

    @Test func loadsInNumericOrderAndIgnoresOtherFiles() async throws {
        try await withTemporaryDirectory { directory in
            try write("SELECT 10;", to: directory, named: "10_ten.sql")
            try write("SELECT 2;", to: directory, named: "2_two.sql")
            try write("notes", to: directory, named: "README.md")
            let migrations = try SchemaMigration.load(from: directory)
            #expect(migrations.map(\.version) == [2, 10])
            #expect(migrations.map(\.sql) == ["SELECT 2;", "SELECT 10;"])
        }
    }

    @Test func missingEmptyOrAmbiguousDirectoriesAreRejected() async throws {
        #expect { try SchemaMigration.load(from: "/nonexistent/migrations") } throws: { error in
            "\(error)".contains("/nonexistent/migrations") && (error as? PostgresError)?.code == .invalidConfiguration
        }
        try await withTemporaryDirectory { directory in
            #expect { try SchemaMigration.load(from: directory) } throws: { "\($0)".contains("no NNN_name.sql") }
            try write("SELECT 1;", to: directory, named: "1_a.sql")
            try write("SELECT 1;", to: directory, named: "001_b.sql")
            #expect { try SchemaMigration.load(from: directory) } throws: { "\($0)".contains("share version 1") }
        }
    }

    @Test func concurrentMigrationsApplyEachFileOnce() async throws {
        try await withScratchDatabase { configuration in
            try await withTemporaryDirectory { directory in
                try FileManager.default.copyItem(
                    atPath: "\(Self.dataDirectory)/001_create_tasks.sql", toPath: "\(directory)/001_create_tasks.sql"
                )
                // Not idempotent on purpose: a second run would fail on the duplicate key.
                try write("CREATE TABLE runs (n int PRIMARY KEY); INSERT INTO runs VALUES (1);", to: directory, named: "002_runs.sql")
                try await TestDatabase.withClient(configuration) { client in
                    try await withThrowingTaskGroup(of: Void.self) { group in
                        for _ in 0..<4 {
                            group.addTask {
                                try await TestDatabase.withClient(configuration, maxConnections: 1) { starter in
                                    try await SchemaMigrator.migrate(client: starter, directory: directory, logger: TestDatabase.logger)
                                }
                            }
                        }
                        try await group.waitForAll()
                    }
                    try await SchemaMigrator.migrate(client: client, directory: directory, logger: TestDatabase.logger)
                    let versions = try await client.query("SELECT version, name FROM schema_migrations ORDER BY version")
                    #expect(try versions.map { try $0.int(0) } == [1, 2])
                    #expect(versions.map { $0.string(1) } == ["001_create_tasks.sql", "002_runs.sql"])
                    #expect(try await client.query("SELECT count(*) FROM runs")[0].int(0) == 1)
                    let task = try await client.query("INSERT INTO tasks (command, scheduled_at) VALUES ($1, now()) RETURNING id, status, attempts", ["echo hi"])
                    #expect(task[0].string(1) == "scheduled")
                    #expect(try task[0].int(2) == 0)
                }
            }
        }
    }

    @Test func schemaFilesAreIdempotentWhenAlreadyApplied() async throws {
        try await withScratchDatabase { configuration in
            try await TestDatabase.withClient(configuration) { client in
                let sql = try String(contentsOfFile: "\(Self.dataDirectory)/001_create_tasks.sql", encoding: .utf8)
                try await client.withConnection { try $0.execute(sql) }
                try await SchemaMigrator.migrate(client: client, directory: Self.dataDirectory, logger: TestDatabase.logger)
                #expect(try await client.query("SELECT count(*) FROM schema_migrations")[0].int(0) ?? 0 >= 1)
            }
        }
    }

    @Test func failingMigrationIsRolledBackAndNotRecorded() async throws {
        try await withScratchDatabase { configuration in
            try await withTemporaryDirectory { directory in
                try write("CREATE TABLE first (n int);", to: directory, named: "1_first.sql")
                try write("CREATE TABLE second (n int); SELECT 1/0;", to: directory, named: "2_broken.sql")
                try await TestDatabase.withClient(configuration) { client in
                    let error = await #expect(throws: PostgresError.self) {
                        try await SchemaMigrator.migrate(client: client, directory: directory, logger: TestDatabase.logger)
                    }
                    #expect(error?.sqlState == "22012")
                    let versions = try await client.query("SELECT version FROM schema_migrations").map { try $0.int(0) }
                    #expect(versions == [1])
                    let secondExists = try await client.query("SELECT to_regclass('second') IS NOT NULL")[0].bool(0)
                    #expect(secondExists == false)
                }
            }
        }
    }
}

/// Runs `body` against a database of its own, dropped afterwards.
private func withScratchDatabase(_ body: (PostgresConfiguration) async throws -> Void) async throws {
    var configuration = try TestDatabase.configuration()
    let name = TestDatabase.uniqueName("scratch")
    try await TestDatabase.withClient { admin in
        try await admin.query("CREATE DATABASE \(name)")
        configuration.database = name
        do {
            try await body(configuration)
        } catch {
            _ = try? await admin.query("DROP DATABASE \(name) WITH (FORCE)")
            throw error
        }
        try await admin.query("DROP DATABASE \(name) WITH (FORCE)")
    }
}

private func withTemporaryDirectory<T>(_ body: (String) async throws -> T) async throws -> T {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent(TestDatabase.uniqueName("migrations")).path
    try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: directory) }
    return try await body(directory)
}

private func write(_ text: String, to directory: String, named name: String) throws {
    try text.write(toFile: "\(directory)/\(name)", atomically: true, encoding: .utf8)
}
