import Foundation
import Testing

@testable import Core
@testable import Postgres
@testable import TaskStorage

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
        try await TestDatabase.withClient(try TestDatabase.configuration(url: database.url), maxConnections: 1, migrated: true) { _ in }
        return database
    }

    /// Drops the database, closing what is still connected to it.
    func drop() async {
        _ = try? await TestDatabase.withClient(maxConnections: 1) { admin in
            try await admin.query("DROP DATABASE IF EXISTS \(name) WITH (FORCE)")
        }
    }
}

extension IsolatedDatabase {
    /// Runs `body` with a client of a fresh isolated database, dropped afterwards whatever happens.
    static func withClient<T>(_ body: (PostgresClient) async throws -> T) async throws -> T {
        let database = try await create()
        do {
            let value = try await TestDatabase.withClient(try TestDatabase.configuration(url: database.url), body)
            await database.drop()
            return value
        } catch {
            await database.drop()
            throw error
        }
    }

    /// Runs `body` with a task store on a fresh isolated database, so claims never see another
    /// test's tasks.
    static func withTaskStore(_ body: (TaskStore, PostgresClient) async throws -> Void) async throws {
        try await withClient { client in try await body(TaskStore(client: client), client) }
    }
}

extension TaskStore {
    /// Schedules a task named "x" due `seconds` from now (due a second ago by default).
    func scheduleTestTask(in seconds: Double = -1, maxAttempts: Int = 1) async throws -> TaskRecord {
        try await schedule(NewTask(command: "x", scheduledAt: .now().advanced(bySeconds: seconds), maxAttempts: maxAttempts)).record
    }
}

extension ClaimedTask {
    /// A report about this hand-off from the worker that holds it.
    func report(
        _ outcome: TaskStatusReport.Outcome, time: Timestamp? = nil, startTime: Timestamp? = nil, exitCode: Int32? = nil,
        output: String? = nil, error: String? = nil
    ) -> TaskStatusReport {
        TaskStatusReport(
            taskID: id, outcome: outcome, time: time, startTime: startTime, workerID: workerID, attempt: attempt,
            handoff: handoff, exitCode: exitCode, output: output, error: error)
    }
}
