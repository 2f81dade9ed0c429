import APIModels
import ClusterKit
import Foundation
import Testing

@testable import CoordinatorService
@testable import Core
@testable import Postgres
@testable import RPC
@testable import TaskStorage

/// The `workers` table as the coordinator writes it and the scheduler reads it.
@Suite(.timeLimit(.minutes(1))) struct WorkerStoreTests {
    private func withWorkerStore(_ body: (WorkerStore, PostgresClient) async throws -> Void) async throws {
        try await IsolatedDatabase.withClient { client in try await body(WorkerStore(client: client), client) }
    }

    private func worker(_ id: UInt32, address: String, capacity: Int = 5, inFlight: Int = 0, silentFor: Duration = .zero)
        -> RegisteredWorker
    {
        RegisteredWorker(
            id: id, address: address, capacity: capacity, inFlight: inFlight, lastHeartbeat: .now - silentFor)
    }

    private let coordinator = UUID()

    @Test func upsertListAndDelete() async throws {
        try await withWorkerStore { store, _ in
            let odd = #"host "with" \ quotes, {braces}:1"#
            let before = Timestamp.now()
            try await store.upsert([
                worker(7, address: "127.0.0.1:5001", capacity: 3, inFlight: 1),
                worker(UInt32.max, address: odd, capacity: 8),
            ], coordinator: coordinator)
            var live = try await store.liveWorkers(staleness: .seconds(10))
            #expect(live.map(\.id) == [7, UInt32.max])
            #expect(live.map(\.address) == ["127.0.0.1:5001", odd])
            #expect(live.map(\.capacity) == [3, 8])
            #expect(live.map(\.inFlight) == [1, 0])
            let heartbeat = live[0].lastHeartbeat.microsecondsSinceEpoch
            #expect(heartbeat >= before.microsecondsSinceEpoch - 100_000)
            #expect(heartbeat <= Timestamp.now().microsecondsSinceEpoch)

            var changed = worker(7, address: "127.0.0.1:5002", capacity: 4, inFlight: 4)
            changed.prefetch = 6
            changed.executor = "shell"
            try await store.upsert([changed], coordinator: coordinator)
            live = try await store.liveWorkers(staleness: .seconds(10))
            #expect(live.first == WorkerSnapshot(
                id: 7, address: "127.0.0.1:5002", capacity: 4, prefetch: 6, inFlight: 4, lastHeartbeat: live[0].lastHeartbeat,
                executor: "shell"))

            try await store.delete(workerIDs: [7], coordinator: coordinator)
            live = try await store.liveWorkers(staleness: .seconds(10))
            #expect(live.map(\.id) == [UInt32.max])
        }
    }

    @Test func staleRowsAreLeftOut() async throws {
        try await withWorkerStore { store, _ in
            try await store.upsert([
                worker(1, address: "a:1"), worker(2, address: "b:1", silentFor: .seconds(30)),
            ], coordinator: coordinator)
            let live = try await store.liveWorkers(staleness: .seconds(10))
            #expect(live.map(\.id) == [1])
        }
    }

    @Test func theTableFollowsTheRegistry() async throws {
        try await withWorkerStore { store, _ in
            let registry = WorkerRegistry(defaultCapacity: 5)
            registry.heartbeat(HeartbeatRequest(workerID: 11, address: "127.0.0.1:7001", capacity: 2, freeSlots: 2))
            registry.heartbeat(HeartbeatRequest(workerID: 12, address: "127.0.0.1:7002", capacity: 3, freeSlots: 1))
            let sync = WorkerTableSync(
                coordinatorID: coordinator, registry: registry, store: store, interval: .milliseconds(20), logger: TestDatabase.logger)
            let running = Task { try await sync.run() }
            try await eventually("both workers in the table") {
                try await store.liveWorkers(staleness: .seconds(10)).map(\.id) == [11, 12] ? true : nil
            }
            let second = try await store.liveWorkers(staleness: .seconds(10))[1]
            #expect(second.inFlight == 2)
            registry.remove(workerID: 11)
            try await eventually("the removed worker to leave the table") {
                try await store.liveWorkers(staleness: .seconds(10)).map(\.id) == [12] ? true : nil
            }
            running.cancel()
            _ = try? await running.value
            #expect(try await store.liveWorkers(staleness: .seconds(10)).isEmpty)
        }
    }

    @Test func aWorkerThatMovedKeepsTheRowOfTheCoordinatorThatHeardFromItLast() async throws {
        try await withWorkerStore { store, client in
            let (old, new) = (UUID(), UUID())
            try await store.upsert([worker(5, address: "w:1", silentFor: .seconds(3))], coordinator: old)
            try await store.upsert([worker(5, address: "w:1")], coordinator: new)
            // The old coordinator has not noticed yet: its view is older and changes nothing.
            try await store.upsert([worker(5, address: "w:1", silentFor: .seconds(4))], coordinator: old)
            let owner = try await client.query("SELECT coordinator_id FROM workers WHERE worker_id = 5").first?.uuid(0)
            #expect(owner == new)
            try await store.delete(workerIDs: [5], coordinator: old)
            #expect(try await store.liveWorkers(staleness: .seconds(10)).map(\.id) == [5], "only its own rows")
            try await store.delete(workerIDs: [5], coordinator: new)
            #expect(try await store.liveWorkers(staleness: .seconds(10)).isEmpty)
        }
    }

    @Test func theCoordinatorListsItsWorkersByIdLikeTheScheduler() throws {
        let registry = WorkerRegistry(defaultCapacity: 5)
        for id: UInt32 in [9, 3, 5] {
            registry.heartbeat(HeartbeatRequest(workerID: id, address: "w\(id):1", capacity: 2, freeSlots: 2, executor: "noop"))
        }
        let listed = WorkersResponse(registry.workers.map { $0.snapshot(now: .now, wallNow: .now()) })
        #expect(registry.workers.map(\.id) == [9, 3, 5], "the registry keeps registration order")
        #expect(listed.workers.map(\.workerID) == [3, 5, 9])
        #expect(listed.workers.allSatisfy { $0.executor == "noop" && $0.freeSlots == 2 })
    }
}
