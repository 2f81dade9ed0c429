import Foundation
import Synchronization
import Testing
@testable import Core
@testable import Postgres

@Suite struct PostgresClientTests {
    @Test func transactionCommits() async throws {
        let table = TestDatabase.uniqueName("commit")
        let count = try await TestDatabase.withClient { client in
            try await client.query("CREATE TABLE \(table) (n int)")
            let returned = try await client.withTransaction { connection in
                try connection.query("INSERT INTO \(table) VALUES ($1), ($2)", [1, 2])
                return "done"
            }
            #expect(returned == "done")
            return try await client.query("SELECT count(*) FROM \(table)")[0].int(0)
        }
        #expect(count == 2)
    }

    @Test func transactionRollsBackWhenBodyThrows() async throws {
        struct Abort: Error {}
        let table = TestDatabase.uniqueName("rollback")
        let count = try await TestDatabase.withClient(maxConnections: 1) { client in
            try await client.query("CREATE TABLE \(table) (n int)")
            await #expect(throws: Abort.self) {
                try await client.withTransaction { connection in
                    try connection.query("INSERT INTO \(table) VALUES (1)")
                    throw Abort()
                }
            }
            return try await client.query("SELECT count(*) FROM \(table)")[0].int(0)
        }
        #expect(count == 0)
    }

    @Test func transactionWithSwallowedErrorIsNotReportedAsCommitted() async throws {
        let table = TestDatabase.uniqueName("aborted")
        let count = try await TestDatabase.withClient(maxConnections: 1) { client in
            try await client.query("CREATE TABLE \(table) (n int)")
            let error = await #expect(throws: PostgresError.self) {
                try await client.withTransaction { connection in
                    try connection.query("INSERT INTO \(table) VALUES (1)")
                    _ = try? connection.query("SELECT 1/0")
                }
            }
            #expect(error?.sqlState == "25P02")
            return try await client.query("SELECT count(*) FROM \(table)")[0].int(0)
        }
        #expect(count == 0)
    }

    @Test func transactionLeftOpenIsRolledBackBeforeReuse() async throws {
        let table = TestDatabase.uniqueName("leftopen")
        try await TestDatabase.withClient(maxConnections: 1) { client in
            try await client.query("CREATE TABLE \(table) (n int)")
            try await client.withConnection { connection in
                try connection.execute("BEGIN")
                try connection.query("INSERT INTO \(table) VALUES (1)")
            }
            try await client.query("INSERT INTO \(table) VALUES (2)")
        }
        let committed = try await TestDatabase.withClient { observer in
            try await observer.query("SELECT n FROM \(table)").map { try $0.int(0) }
        }
        #expect(committed == [2])
    }

    @Test func concurrentQueriesBeyondThePoolSizeAllFinish() async throws {
        var configuration = try TestDatabase.configuration()
        configuration.applicationName = TestDatabase.uniqueName("pool")
        let (sums, backends) = try await TestDatabase.withClient(configuration, maxConnections: 3) { client in
            let sums = try await withThrowingTaskGroup(of: Int.self) { group in
                for index in 0..<30 {
                    group.addTask {
                        try await client.query("SELECT $1::int + 1 FROM pg_sleep(0.02)", [index])[0].int(0) ?? -1
                    }
                }
                return try await group.reduce(into: []) { $0.append($1) }
            }
            let backends = try await TestDatabase.withClient { observer in
                try await observer.query(
                    "SELECT count(*) FROM pg_stat_activity WHERE application_name = $1",
                    [configuration.applicationName]
                )[0].int(0)
            }
            return (sums, backends)
        }
        #expect(sums.sorted() == Array(1...30))
        #expect(backends == 3)
    }

    @Test func waitingCallerCanBeCancelled() async throws {
        try await TestDatabase.withClient(maxConnections: 1) { client in
            let (acquired, signal) = AsyncStream.makeStream(of: Void.self)
            let waiterCancelled = Flag()
            // Holds the only connection until the waiter was cancelled (at most 10 s), however
            // slowly a loaded machine runs the test.
            async let holder: Void = {
                // Ends the wait below also when no connection could be had.
                defer { signal.finish() }
                try await client.withConnection { connection in
                    signal.yield()
                    for _ in 0..<200 where !waiterCancelled.isSet {
                        try connection.query("SELECT pg_sleep(0.05)")
                    }
                }
            }()
            for await _ in acquired { break }
            let waiter = Task { try await client.query("SELECT 1") }
            try await Task.sleep(for: .milliseconds(50))
            waiter.cancel()
            await #expect(throws: CancellationError.self) { try await waiter.value }
            waiterCancelled.set()
            try await holder
            #expect(try await client.query("SELECT 2")[0].int(0) == 2)
        }
    }

    @Test func shutdownIsIdempotentAndRefusesLaterCalls() async throws {
        let client = PostgresClient(configuration: try TestDatabase.configuration(), maxConnections: 2, logger: TestDatabase.logger)
        #expect(try await client.query("SELECT 1")[0].int(0) == 1)
        await client.close()
        await client.close()
        let error = await #expect(throws: PostgresError.self) { try await client.query("SELECT 1") }
        #expect(error?.code == .poolClosed)
    }

    @Test func droppedConnectionIsReportedAsLostAndReplaced() async throws {
        var configuration = try TestDatabase.configuration()
        configuration.applicationName = TestDatabase.uniqueName("victim")
        try await TestDatabase.withClient(configuration, maxConnections: 1) { client in
            let victim = Task { try await client.query("SELECT pg_sleep(5)") }
            let terminated = try await TestDatabase.withClient { killer in
                for _ in 0..<100 {
                    let result = try await killer.query(
                        "SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE application_name = $1 AND state = 'active'",
                        [configuration.applicationName]
                    )
                    if !result.isEmpty { return true }
                    try await Task.sleep(for: .milliseconds(20))
                }
                return false
            }
            #expect(terminated)
            let error = await #expect(throws: PostgresError.self) { try await victim.value }
            #expect(error?.code == .connectionLost)
            #expect(error?.isUnavailable == true)
            #expect(try await client.query("SELECT 3")[0].int(0) == 3)
        }
    }
}

/// A flag that one thread sets and another polls.
private final class Flag: Sendable {
    private let value = Mutex(false)

    func set() { value.withLock { $0 = true } }
    var isSet: Bool { value.withLock { $0 } }
}
