import ClusterKit
import Foundation
import Testing

@testable import Postgres
@testable import TaskStorage

/// Which coordinator answers for a task: the one that claimed it, until the task's worker moves
/// to another one; taking tasks back goes by who answers for them now.
@Suite(.timeLimit(.minutes(1))) struct TaskOwnershipTests {
    private static let lease = Duration.seconds(60)

    private func owner(of id: UUID, _ client: PostgresClient) async throws -> UUID? {
        try await client.query("SELECT coordinator_id FROM tasks WHERE id = $1", [id]).first?.uuid(0)
    }

    private func status(of id: UUID, _ client: PostgresClient) async throws -> String? {
        try await client.query("SELECT status FROM tasks WHERE id = $1", [id]).first?.string(0)
    }

    @Test func theCoordinatorAWorkerMovesToAdoptsItsTasksAndTheOldOneCannotTakeThemBack() async throws {
        try await IsolatedDatabase.withClient { client in
            let (old, new) = (TaskStore(client: client, coordinatorID: UUID()), TaskStore(client: client, coordinatorID: UUID()))
            _ = try await old.scheduleTestTask(maxAttempts: 3)
            let task = try #require(try await old.claimDueTasks(assigningTo: [7], lease: Self.lease).first)
            #expect(try await owner(of: task.id, client) == old.coordinatorID)

            // The first heartbeat through the new coordinator adopts the task, although its lease
            // has most of its time left.
            try await new.renewLeases(of: [task.id], heldBy: 7, lease: Self.lease)
            #expect(try await owner(of: task.id, client) == new.coordinatorID)

            // The old coordinator saw the worker fall silent: it no longer answers for the task.
            #expect(try await old.recoverTasks(ofWorker: 7).tasks == 0)
            #expect(try await status(of: task.id, client) == "dispatched")
            #expect(try await new.recoverTasks(ofWorker: 7).tasks == 1)
            #expect(try await status(of: task.id, client) == "scheduled")
            #expect(try await owner(of: task.id, client) == nil)
        }
    }

    @Test func aHeartbeatRenewsOnlyTheTasksOfItsOwnWorker() async throws {
        try await IsolatedDatabase.withClient { client in
            let (first, second) = (TaskStore(client: client, coordinatorID: UUID()), TaskStore(client: client, coordinatorID: UUID()))
            _ = try await first.scheduleTestTask()
            let task = try #require(try await first.claimDueTasks(assigningTo: [7], lease: .milliseconds(1)).first)
            // Worker 8 lists a task it does not hold (a stale hand-off): nothing changes.
            try await second.renewLeases(of: [task.id], heldBy: 8, lease: Self.lease)
            #expect(try await owner(of: task.id, client) == first.coordinatorID)
            try await Task.sleep(for: .milliseconds(20))
            #expect(try await first.recoverExpiredLeases() == 1, "its lease was not renewed")
        }
    }

    @Test func theTasksOfALostCoordinatorAreTakenBackWithItsRowButNotThoseItsWorkersTookElsewhere() async throws {
        try await IsolatedDatabase.withClient { client in
            let coordinators = CoordinatorStore(client: client)
            let (lost, survivor) = (TaskStore(client: client, coordinatorID: UUID()), TaskStore(client: client, coordinatorID: UUID()))
            let (lostID, survivorID) = (try #require(lost.coordinatorID), try #require(survivor.coordinatorID))
            try await coordinators.beat(id: lostID, address: "lost:8080", workers: 2)
            try await coordinators.beat(id: survivorID, address: "survivor:8080", workers: 1)
            for _ in 0..<3 { _ = try await lost.scheduleTestTask(maxAttempts: 2) }
            let claimed = try await lost.claimDueTasks(assigningTo: [7, 7, 8], lease: Self.lease)
            try await client.query(
                "INSERT INTO workers (worker_id, address, capacity, in_flight, last_heartbeat, coordinator_id) VALUES (7, 'w7:1', 2, 2, now(), $1)",
                [lostID])
            // Worker 8 moved to the survivor in time; worker 7 died with its coordinator.
            try await survivor.renewLeases(of: [claimed[2].id], heldBy: 8, lease: Self.lease)

            var outcome = try await survivor.recoverTasksOfLostCoordinators(silentFor: .seconds(5))
            #expect(outcome == .init(coordinatorIDs: [], tasks: 0), "its row is fresh")

            try await client.query(
                "UPDATE coordinators SET last_heartbeat = now() - interval '6 seconds' WHERE coordinator_id = ANY($1::uuid[])",
                [PostgresArray([lostID, survivorID])])
            outcome = try await survivor.recoverTasksOfLostCoordinators(silentFor: .seconds(5))
            #expect(outcome == .init(coordinatorIDs: [lostID], tasks: 2), "never its own row")
            #expect(try await status(of: claimed[0].id, client) == "scheduled")
            #expect(try await status(of: claimed[1].id, client) == "scheduled")
            #expect(try await status(of: claimed[2].id, client) == "dispatched")
            let rows = try await client.query("SELECT coordinator_id FROM coordinators").map { try $0.uuid(0) }
            #expect(rows == [survivorID])
            #expect(try await client.query("SELECT count(*) FROM workers").first?.int(0) == 0)

            // A lost coordinator that was only paused writes its row again and is listed.
            try await coordinators.beat(id: lostID, address: "lost:8080", workers: 0)
            #expect(try await coordinators.liveCoordinators(staleness: .seconds(1)).map(\.id) == [lostID])
        }
    }

    @Test func aStoppedCoordinatorsTasksWaitForTheSilenceToo() async throws {
        try await IsolatedDatabase.withClient { client in
            let coordinators = CoordinatorStore(client: client)
            let (stopped, other) = (TaskStore(client: client, coordinatorID: UUID()), TaskStore(client: client, coordinatorID: UUID()))
            try await coordinators.beat(id: try #require(stopped.coordinatorID), address: "a:8080", workers: 1)
            _ = try await stopped.scheduleTestTask(maxAttempts: 2)
            _ = try await stopped.claimDueTasks(assigningTo: [7], lease: Self.lease)
            try await coordinators.markStopped(id: try #require(stopped.coordinatorID))
            #expect(try await other.recoverTasksOfLostCoordinators(silentFor: .seconds(5)).tasks == 0, "its workers may move yet")
            #expect(try await other.recoverTasksOfLostCoordinators(silentFor: .zero).tasks == 1)
        }
    }
}
