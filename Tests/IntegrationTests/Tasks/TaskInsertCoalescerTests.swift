import Foundation
import ServiceLifecycle
import Testing

@testable import Postgres
@testable import Core
@testable import TaskStorage

/// Single tasks stored together (group commit), against a real PostgreSQL.
extension TaskStoreDispatchTests {
    @Test func concurrentSingleInsertsShareStatementsAndEachGetsItsOwnTask() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let inserter = TaskInsertCoalescer(store: store, concurrentInserts: 2)
            let scheduled = try await running(inserter) {
                try await withThrowingTaskGroup(of: ScheduledTask.self) { group in
                    for index in 0..<300 {
                        group.addTask { try await inserter.schedule(NewTask(command: "task \(index)", scheduledAt: .now())) }
                    }
                    return try await group.reduce(into: []) { $0.append($1) }
                }
            }
            #expect(Set(scheduled.map(\.record.id)).count == 300, "every caller got a task of its own")
            #expect(Set(scheduled.map(\.record.command)) == Set((0..<300).map { "task \($0)" }), "and it is the one it asked for")
            let stored = try await client.query("SELECT count(*), count(DISTINCT command) FROM tasks")
            #expect(try stored.first?.int(0) == 300 && stored.first?.int(1) == 300)
        }
    }

    @Test func aTaskTheDatabaseRefusesFailsAloneWhileItsBatchIsStored() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            // A constraint only the database checks: the other tasks of the batch must not pay for it.
            try await client.query("ALTER TABLE tasks ADD CONSTRAINT no_poison CHECK (command <> 'poison')")
            let inserter = TaskInsertCoalescer(store: store, concurrentInserts: 1)
            let results = try await running(inserter) {
                await withTaskGroup(of: (String, Bool).self) { group in
                    for command in ["a", "poison", "b", "c", "d"] + (0..<20).map({ "more \($0)" }) {
                        group.addTask {
                            let stored = try? await inserter.schedule(NewTask(command: command, scheduledAt: .now()))
                            return (command, stored != nil)
                        }
                    }
                    return await group.reduce(into: [String: Bool]()) { $0[$1.0] = $1.1 }
                }
            }
            #expect(results["poison"] == false)
            #expect(results.filter { $0.value }.count == 24)
            let stored = try await client.query("SELECT count(*) FROM tasks")
            #expect(try stored.first?.int(0) == 24)
        }
    }

    @Test(.timeLimit(.minutes(1)))
    func aGracefulShutdownStoresWhatArrivedBeforeItAndRefusesTheRestNeverLeavingOneWaiting() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let inserter = TaskInsertCoalescer(store: store, concurrentInserts: 1)
            let group = ServiceGroup(configuration: ServiceGroupConfiguration(services: [inserter], logger: TestDatabase.logger))
            let stored = try await withThrowingTaskGroup(of: Bool?.self) { tasks in
                tasks.addTask {
                    try await group.run()
                    return nil
                }
                _ = try await inserter.schedule(NewTask(command: "first", scheduledAt: .now()))
                // Calls still arriving and waiting when the shutdown comes.
                for index in 0..<200 {
                    tasks.addTask { (try? await inserter.schedule(NewTask(command: "task \(index)", scheduledAt: .now()))) != nil }
                }
                await group.triggerGracefulShutdown()
                return try await tasks.reduce(into: 1) { count, outcome in if outcome == true { count += 1 } }
            }
            let refusal = await #expect(throws: PostgresError.self) {
                try await inserter.schedule(NewTask(command: "after", scheduledAt: .now()))
            }
            #expect(refusal?.isUnavailable == true, "answered 503: try again later or elsewhere")
            let rows = try await client.query("SELECT count(*), count(*) FILTER (WHERE command = 'after') FROM tasks")
            #expect(try rows.first?.int(0) == stored, "every call that returned a task stored it, and no other")
            #expect(try rows.first?.int(1) == 0)
        }
    }

    /// Runs `body` while `inserter` runs, then stops it.
    private func running<T: Sendable>(_ inserter: TaskInsertCoalescer, _ body: () async throws -> T) async throws -> T {
        try await withThrowingTaskGroup(of: Void.self) { group in
            group.addTask { await inserter.run() }
            defer { group.cancelAll() }
            return try await body()
        }
    }
}
