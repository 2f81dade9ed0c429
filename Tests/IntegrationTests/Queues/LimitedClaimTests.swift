import Foundation
import Testing

@testable import APIModels
@testable import Core
@testable import Postgres
@testable import TaskStorage

/// The claim from queues with limits against a real PostgreSQL: every limit is decided in the
/// claim's transaction, from what the database holds.
@Suite struct LimitedClaimTests {
    @Test func aConcurrencyLimitCountsTasksUntilTheyEnd() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            try await store.scheduleTasks(10, queue: "q")
            _ = try await QueueStore(client: client).put(name: "q", settings: QueueSettings(concurrencyLimit: 3))
            let first = try await store.claimLimited(10)
            #expect(first.count == 3)
            #expect(try await store.claimLimited(10).isEmpty, "three held")
            try await store.report(.started, first)
            #expect(try await store.claimLimited(10).isEmpty, "running tasks still count")
            try await store.report(.completed, Array(first.prefix(2)))
            #expect(try await store.claimLimited(10).count == 2)
        }
    }

    @Test func aKeyLimitLetsOtherKeysPastOneKeysBacklog() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            // One customer's 400 tasks are due first; three others' come after them.
            try await store.scheduleTasks(400, queue: "imports", in: -60) { _ in "big" }
            let others = try await store.scheduleTasks(6, queue: "imports", in: -1) { "small-\($0 % 3)" }
            _ = try await QueueStore(client: client).put(name: "imports", settings: QueueSettings(keyConcurrencyLimit: 1))
            let first = try await store.claimLimited(2)
            #expect(first.count == 2)
            let second = try await store.claimLimited(50)
            let all = first + second
            #expect(all.count == 4, "one task of each of the four keys")
            let keys = try await Self.keys(of: all, client)
            #expect(Set(keys) == ["big", "small-0", "small-1", "small-2"])
            #expect(keys.filter { $0 == "big" }.count == 1)
            #expect(Set(all.map(\.id)).isSuperset(of: others.prefix(3).map(\.id)), "each small key's oldest task")
            try await store.report(.completed, all)
            // While the head gives a task, the keys are walked at most every 100 ms.
            try await Task.sleep(for: LimitedClaimQueries.keyWalkInterval + .milliseconds(20))
            #expect(try await store.claimLimited(50).count == 4, "each key free again")
        }
    }

    @Test func aRateLimitCountsStartsInASlidingWindow() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            try await store.scheduleTasks(10, queue: "mail")
            _ = try await QueueStore(client: client).put(
                name: "mail", settings: QueueSettings(rateLimit: .init(limit: 3, periodSeconds: 2)))
            let first = try await store.claimLimited(10)
            #expect(first.count == 3)
            try await store.report(.started, first)
            try await store.report(.completed, first)
            #expect(try await store.claimLimited(10).isEmpty, "three starts within the window")
            try await Task.sleep(for: .milliseconds(2300))
            #expect(try await store.claimLimited(10).count == 3, "the window moved past them")
        }
    }

    @Test func aRunTakenBackKeepsItsPlaceInTheRate() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            try await store.scheduleTasks(3, queue: "mail", maxAttempts: 3)
            _ = try await QueueStore(client: client).put(
                name: "mail", settings: QueueSettings(rateLimit: .init(limit: 1, periodSeconds: 3600)))
            let claimed = try await store.claimLimited(1, lease: .milliseconds(1))
            #expect(claimed.count == 1)
            try await store.report(.started, claimed)
            // Its worker is lost: the lease runs out and the task goes back in the queue.
            try await Task.sleep(for: .milliseconds(20))
            _ = try await store.recoverExpiredLeases()
            #expect(try await store.find(id: claimed[0].id)?.status == .scheduled)
            #expect(try await store.claimLimited(1).isEmpty, "the run that started counts for an hour")
        }
    }

    @Test func aTaskBackInTheQueueCountsUntilItsHandOffDeadline() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            try await store.scheduleTasks(2, queue: "one") { _ in "k" }
            _ = try await QueueStore(client: client).put(name: "one", settings: QueueSettings(keyConcurrencyLimit: 1))
            let sent = try await store.claimLimitedTasks(assigningTo: [7], lease: .seconds(30), handOffDeadline: .seconds(2))
            #expect(sent.count == 1)
            // The hand-off failed and went back; its worker may still start it until the deadline.
            #expect(try await store.returnToQueue(sent) == 1)
            #expect(try await store.claimLimited(5).isEmpty)
            try await Task.sleep(for: .milliseconds(2200))
            #expect(try await store.claimLimited(5).count == 1)
        }
    }

    @Test func claimsOfManyCoordinatorsAtOnceStayWithinTheLimits() async throws {
        try await IsolatedDatabase.withClient { client in
            let store = TaskStore(client: client)
            try await store.scheduleTasks(400, queue: "q") { "k\($0 % 20)" }
            _ = try await QueueStore(client: client).put(
                name: "q", settings: QueueSettings(concurrencyLimit: 30, keyConcurrencyLimit: 2))
            let claims = try await withThrowingTaskGroup(of: [ClaimedTask].self) { group in
                for _ in 0..<6 {
                    group.addTask {
                        try await TaskStore(client: client, coordinatorID: UUID()).claimLimitedTasks(
                            assigningTo: [UInt32?](repeating: 7, count: 25), lease: .seconds(30))
                    }
                }
                return try await group.reduce(into: []) { $0 += $1 }
            }
            #expect(claims.count == 30)
            let keys = try await Self.keys(of: claims, client)
            #expect(Dictionary(grouping: keys, by: { $0 }).values.allSatisfy { $0.count <= 2 })
        }
    }

    @Test func limitsSetWhileTasksRunCountThem() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            try await store.scheduleTasks(6, queue: "q")
            let running = try await store.claimDueTasks(limit: 4, lease: .seconds(30))
            #expect(running.count == 4)
            _ = try await QueueStore(client: client).put(name: "q", settings: QueueSettings(concurrencyLimit: 5))
            #expect(try await store.claimLimited(5).count == 1, "four already run")
        }
    }

    private static func keys(of tasks: [ClaimedTask], _ client: PostgresClient) async throws -> [String] {
        try await client.query("SELECT concurrency_key FROM tasks WHERE id = ANY($1::uuid[])", [PostgresArray(tasks.map(\.id))])
            .compactMap { $0.string(0) }
    }
}
