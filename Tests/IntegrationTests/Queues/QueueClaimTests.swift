import Foundation
import Testing

@testable import APIModels
@testable import Core
@testable import Postgres
@testable import TaskStorage

/// The claim from queues without limits against a real PostgreSQL: priorities, aging, the
/// queues a worker serves, and the queues it leaves to the limited claim.
@Suite struct QueueClaimTests {
    @Test func higherPrioritiesGoFirstThenOlderTasks() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            let low = try await store.scheduleTasks(2, priority: -10, in: -30)
            let high = try await store.scheduleTasks(2, priority: 10, in: -1)
            let middle = try await store.scheduleTasks(1, queue: "other", priority: 0, in: -5)
            let later = try await store.scheduleTasks(1, priority: 50, in: 3600)
            let claimed = try await store.claimDueTasks(limit: 3, lease: .seconds(30))
            #expect(claimed.map(\.id) == high.map(\.id) + middle.map(\.id))
            #expect(claimed.map(\.queue) == ["default", "default", "other"])
            #expect(try await store.claimDueTasks(limit: 10, lease: .seconds(30)).map(\.id) == low.map(\.id))
            #expect(try await store.find(id: later[0].id)?.status == .scheduled)
        }
    }

    @Test func aTaskGainsAPriorityStepForEachAgingPeriodItWaited() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            // Waited 10 minutes at -5: with a step a minute it claims as +5, ahead of a fresh +3.
            let aged = try await store.scheduleTasks(1, priority: -5, in: -600)
            let fresh = try await store.scheduleTasks(1, priority: 3, in: -1)
            let strict = try await store.claimDueTasks(assigningTo: [nil], lease: .seconds(30))
            #expect(strict.map(\.id) == fresh.map(\.id), "no aging without the setting")
            let more = try await store.scheduleTasks(1, priority: 3, in: -1)
            let aging = try await store.claimDueTasks(assigningTo: [nil, nil], lease: .seconds(30), priorityAging: .seconds(60))
            #expect(aging.map(\.id) == aged.map(\.id) + more.map(\.id))
        }
    }

    @Test func workersTakeOnlyFromTheQueuesTheyServe() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            try await store.scheduleTasks(300, queue: "bulk")
            let mail = try await store.scheduleTasks(2, queue: "mail", in: -0.5)
            let claimed = try await store.claimDueTasks(assigningTo: [1, 1, 1], queues: ["mail", "reports"], lease: .seconds(30))
            #expect(claimed.map(\.id) == mail.map(\.id))
            #expect(try await store.claimDueTasks(assigningTo: [1], queues: ["reports"], lease: .seconds(30)).isEmpty)
        }
    }

    @Test func queuesWithLimitsOrPausedAreLeftToTheLimitedClaim() async throws {
        try await IsolatedDatabase.withTaskStore { store, client in
            let queues = QueueStore(client: client)
            try await store.scheduleTasks(3, queue: "limited")
            try await store.scheduleTasks(3, queue: "stopped")
            let open = try await store.scheduleTasks(2, queue: "open")
            _ = try await queues.put(name: "limited", settings: QueueSettings(concurrencyLimit: 2))
            _ = try await queues.setPaused(name: "stopped", true)
            _ = try await queues.put(name: "open", settings: QueueSettings())
            #expect(try await store.claimDueTasks(limit: 10, lease: .seconds(30)).map(\.id) == open.map(\.id))
            let limited = try await store.claimLimited(10)
            #expect(limited.count == 2 && limited.allSatisfy { $0.queue == "limited" })
            _ = try await queues.setPaused(name: "stopped", false)
            #expect(try await store.claimDueTasks(limit: 10, lease: .seconds(30)).count == 3, "resumed, and without limits")
        }
    }

    @Test func theNextDueTaskIsFoundAcrossQueuesAndPriorities() async throws {
        try await IsolatedDatabase.withTaskStore { store, _ in
            #expect(try await store.timeUntilNextDueTask() == nil)
            try await store.scheduleTasks(1, queue: "a", priority: 9, in: 900)
            try await store.scheduleTasks(1, queue: "b", priority: -9, in: 60)
            let next = try #require(try await store.timeUntilNextDueTask())
            #expect(next > .seconds(50) && next <= .seconds(60))
        }
    }
}
