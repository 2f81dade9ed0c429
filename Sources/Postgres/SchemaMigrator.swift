import Core
import Foundation
package import Logging

/// Applies the numbered SQL files of a directory (`001_create_tasks.sql`, `002_….sql`, …) to the
/// database, each once, in numeric order.
///
/// Applied versions are recorded in `schema_migrations(version, name, applied_at)`. Everything
/// runs under one session-level advisory lock, so services starting at the same time apply each
/// file once. The files must be idempotent: the PostgreSQL container's init may have run them
/// before any service recorded them.
package enum SchemaMigrator {
    /// The `pg_advisory_lock` key that serialises migrations ("TASKMIGR" in ASCII).
    static let advisoryLockKey: Int64 = 0x5441_534B_4D49_4752

    /// Throws `PostgresError(.invalidConfiguration)` when the directory is missing, holds no
    /// migration, or two files share a version; rethrows the database error of a file that fails
    /// (that file's changes are rolled back, earlier files stay applied).
    package static func migrate(client: PostgresClient, directory: String, logger: Logger) async throws {
        let migrations = try SchemaMigration.load(from: directory)
        let applied = try await client.withConnection { connection in
            try connection.query("SELECT pg_advisory_lock($1)", [advisoryLockKey])
            defer { _ = try? connection.query("SELECT pg_advisory_unlock($1)", [advisoryLockKey]) }
            try connection.execute("""
                CREATE TABLE IF NOT EXISTS schema_migrations (
                    version    integer     PRIMARY KEY,
                    name       text        NOT NULL,
                    applied_at timestamptz NOT NULL DEFAULT now()
                )
                """)
            let done = try Set(connection.query("SELECT version FROM schema_migrations").compactMap { try $0.int(0) })
            var applied: [SchemaMigration] = []
            for migration in migrations where !done.contains(migration.version) {
                try apply(migration, on: connection)
                applied.append(migration)
            }
            return applied
        }
        for migration in applied {
            logger.info("applied schema migration", metadata: [LogKey.migration: "\(migration.name)"])
        }
        logger.debug("database schema is current", metadata: [LogKey.migrations: "\(migrations.count)"])
    }

    private static func apply(_ migration: SchemaMigration, on connection: PostgresConnection) throws {
        try connection.execute("BEGIN")
        do {
            try connection.execute(migration.sql)
            try connection.query(
                "INSERT INTO schema_migrations (version, name) VALUES ($1, $2)",
                [migration.version, migration.name]
            )
            try connection.execute("COMMIT")
        } catch {
            if connection.isOpen { try? connection.execute("ROLLBACK") }
            throw error
        }
    }
}

/// One `NNN_description.sql` file.
struct SchemaMigration: Sendable, Equatable {
    let version: Int
    let name: String
    let sql: String

    /// Reads the migrations of `directory`, sorted by version. Other files are ignored.
    static func load(from directory: String) throws -> [SchemaMigration] {
        let names: [String]
        do {
            names = try FileManager.default.contentsOfDirectory(atPath: directory)
        } catch {
            throw invalid("the migration directory '\(directory)' cannot be read (does it exist?)")
        }
        let migrations = try names.compactMap { name -> SchemaMigration? in
            guard let version = version(ofFileNamed: name) else { return nil }
            let path = URL(fileURLWithPath: directory).appendingPathComponent(name).path
            guard let sql = try? String(contentsOfFile: path, encoding: .utf8) else {
                throw invalid("the migration '\(path)' cannot be read as UTF-8 text")
            }
            return SchemaMigration(version: version, name: name, sql: sql)
        }.sorted { $0.version < $1.version }
        guard !migrations.isEmpty else {
            throw invalid("the migration directory '\(directory)' holds no NNN_name.sql file")
        }
        for (earlier, later) in zip(migrations, migrations.dropFirst()) where earlier.version == later.version {
            throw invalid("the migrations '\(earlier.name)' and '\(later.name)' share version \(later.version)")
        }
        return migrations
    }

    /// `001_create_tasks.sql` → 1; nil for names not of the form `digits_anything.sql`.
    static func version(ofFileNamed name: String) -> Int? {
        guard name.hasSuffix(".sql"), let underscore = name.firstIndex(of: "_") else { return nil }
        let digits = name[..<underscore]
        guard !digits.isEmpty, digits.allSatisfy(\.isASCII), digits.allSatisfy(\.isNumber) else { return nil }
        return Int(digits)
    }

    private static func invalid(_ message: String) -> PostgresError {
        PostgresError(code: .invalidConfiguration, message: message)
    }
}
