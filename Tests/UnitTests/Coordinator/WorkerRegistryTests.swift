import Testing

@testable import CoordinatorService
@testable import Core
@testable import RPC

@Suite struct WorkerRegistryTests {
    private func registry(workers: Int, capacity: UInt32 = 5) -> WorkerRegistry {
        let registry = WorkerRegistry(defaultCapacity: 5)
        for id in 1...UInt32(workers) {
            registry.heartbeat(HeartbeatRequest(workerID: id, address: "w\(id):1", capacity: capacity, freeSlots: capacity))
        }
        return registry
    }

    @Test func eightTasksOverFourIdleWorkersGiveTwoEach() {
        let chosen = registry(workers: 4).reserveSlots(8)
        let perWorker = Dictionary(grouping: chosen, by: \.id).mapValues(\.count)
        #expect(perWorker == [1: 2, 2: 2, 3: 2, 4: 2])
    }

    @Test func singleReservationsRotate() {
        let registry = registry(workers: 3)
        let order = (0..<6).flatMap { _ in registry.reserveSlots(1).map(\.id) }
        #expect(order == [1, 2, 3, 1, 2, 3])
    }

    @Test func cancelledReservationsLeaveTheRotationAsIfNeverTaken() {
        let registry = registry(workers: 3)
        let reserved = registry.reserveSlots(7)
        #expect(reserved.map(\.id) == [1, 2, 3, 1, 2, 3, 1])
        registry.cancelReservations(reserved.dropFirst(2))
        #expect(registry.workers.map(\.inFlight) == [1, 1, 0])
        #expect((0..<4).flatMap { _ in registry.reserveSlots(1).map(\.id) } == [3, 1, 2, 3])
    }

    @Test func neverReservesMoreThanTheFreeSlots() {
        let registry = registry(workers: 2, capacity: 2)
        #expect(registry.reserveSlots(10).count == 4)
        #expect(registry.freeSlots == 0)
        #expect(registry.reserveSlots(1).isEmpty)
        registry.releaseSlot(of: 2)
        #expect(registry.reserveSlots(3).map(\.id) == [2])
    }

    @Test func heartbeatFreeSlotsAreTheTruth() {
        let registry = registry(workers: 1, capacity: 4)
        _ = registry.reserveSlots(4)
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 4, freeSlots: 3))
        #expect(registry.freeSlots == 3)
    }

    @Test func aHeartbeatSaysWhenItFreedSlotsTheRegistryDidNotCount() {
        let registry = registry(workers: 1, capacity: 4)
        let full = registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 4, freeSlots: 0))
        #expect(full == WorkerRegistry.HeartbeatOutcome(registeredWorker: false, freedSlots: false))
        #expect(registry.freeSlots == 0)
        let freed = registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 4, freeSlots: 2))
        #expect(freed.freedSlots, "the dispatcher must hear of slots it counted as taken")
        #expect(!registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 4, freeSlots: 2)).freedSlots)
        #expect(registry.heartbeat(HeartbeatRequest(workerID: 2, address: "w2:1", capacity: 1, freeSlots: 1)).freedSlots)
    }

    @Test func originalWorkersGetTheDefaultCapacity() {
        let registry = WorkerRegistry(defaultCapacity: 3)
        #expect(registry.heartbeat(HeartbeatRequest(workerID: 9, address: "old:1")).registeredWorker)
        #expect(!registry.heartbeat(HeartbeatRequest(workerID: 9, address: "old:1")).registeredWorker)
        #expect(registry.freeSlots == 3)
    }

    @Test func silentWorkersAreRemoved() {
        let registry = WorkerRegistry(defaultCapacity: 1)
        let start = ContinuousClock.Instant.now
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "a:1"), at: start)
        registry.heartbeat(HeartbeatRequest(workerID: 2, address: "b:1"), at: start + .seconds(4))
        let removed = registry.removeWorkers(silentSince: start + .seconds(2))
        #expect(removed.map(\.id) == [1])
        #expect(registry.workers.map(\.id) == [2])
        #expect(registry.reserveSlots(2).map(\.id) == [2])
    }

    @Test func idleSlotsGoFirstThenPrefetchPlaces() {
        let registry = WorkerRegistry(defaultCapacity: 5)
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 2, freeSlots: 6, prefetch: 4))
        registry.heartbeat(HeartbeatRequest(workerID: 2, address: "w2:1", capacity: 2, freeSlots: 2))
        #expect(registry.freeSlots == 8)
        #expect(registry.reserveSlots(4).map(\.id) == [1, 2, 1, 2], "every idle slot before any place")
        #expect(registry.reserveSlots(10).map(\.id) == [1, 1, 1, 1], "then the places of the worker that offers them")
        #expect(registry.freeSlots == 0)
    }

    @Test func heartbeatsCarryPrefetchAndExecutor() {
        let registry = WorkerRegistry(defaultCapacity: 5)
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1", capacity: 2, freeSlots: 3, prefetch: 4, executor: "shell"))
        let worker = registry.workers[0]
        #expect(worker.prefetch == 4 && worker.executor == "shell")
        #expect(worker.inFlight == 3, "2 slots and 4 places, 3 of them free")
        registry.heartbeat(HeartbeatRequest(workerID: 1, address: "w1:1"))
        #expect(registry.workers[0].executor == nil && registry.workers[0].prefetch == 0)
    }
}
